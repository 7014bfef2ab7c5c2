"""The fixed list of sub-sites the testbed serves, in port order."""

from __future__ import annotations

from .model import Category, SiteDef

SITES: tuple[SiteDef, ...] = (
    SiteDef(
        key="hatinh",
        name="Cổng thông tin điện tử tỉnh Hà Tĩnh",
        family="tandan",
        weight=35,
        categories=(
            Category("Tin-tuc-su-kien", "Tin tức - Sự kiện", "chung"),
            Category("Hoat-dong-lanh-dao-UBND-tinh", "Hoạt động lãnh đạo UBND tỉnh", "lanhdao"),
            Category("Chuyen-doi-so", "Chuyển đổi số", "so"),
            Category("Van-ban-chi-dao", "Văn bản chỉ đạo", "vanban"),
        ),
    ),
    SiteDef(
        key="stttt",
        name="Sở Thông tin và Truyền thông Hà Tĩnh",
        family="portalfolder",
        context="stttt",
        parent="hatinh",
        weight=25,
        categories=(
            Category("tin-hoat-dong", "Tin hoạt động", "so"),
            Category("tin-trong-tinh", "Tin trong tỉnh", "chung"),
            Category("chuyen-doi-so", "Chuyển đổi số", "so"),
            Category("van-ban-chi-dao", "Văn bản chỉ đạo", "vanban"),
        ),
    ),
    SiteDef(
        key="kyanh",
        name="UBND thị xã Kỳ Anh",
        family="portalfolder",
        context="kyanh",
        parent="hatinh",
        weight=20,
        nfd_every=20,
        categories=(
            Category("tin-tuc-su-kien", "Tin tức - Sự kiện", "chung"),
            Category("kinh-te-xa-hoi", "Kinh tế - Xã hội", "nongthon"),
            Category("nong-thon-moi", "Nông thôn mới", "nongthon"),
        ),
    ),
    SiteDef(
        key="svhttdl",
        name="Sở Văn hóa, Thể thao và Du lịch Hà Tĩnh",
        family="tandan",
        parent="hatinh",
        weight=20,
        categories=(
            Category("Tin-hoat-dong", "Tin hoạt động", "chung"),
            Category("Van-hoa-Du-lich", "Văn hóa - Du lịch", "vanhoa"),
            Category("The-duc-the-thao", "Thể dục thể thao", "thethao"),
        ),
    ),
    SiteDef(
        key="stnmt",
        name="Sở Tài nguyên và Môi trường Hà Tĩnh",
        family="liferay",
        parent="hatinh",
        weight=20,
        categories=(
            Category("tin-tuc-su-kien", "Tin tức sự kiện", "chung"),
            Category("chuyen-doi-so", "Chuyển đổi số", "so"),
            Category("van-ban-chi-dao", "Văn bản chỉ đạo", "vanban"),
        ),
    ),
    SiteDef(
        key="nongthonmoi",
        name="Văn phòng Điều phối Nông thôn mới tỉnh Hà Tĩnh",
        family="nukeviet",
        parent="hatinh",
        weight=15,
        categories=(
            Category("Tin-trong-tinh", "Tin trong tỉnh", "nongthon"),
            Category("Khoa-hoc-cong-nghe", "Khoa học công nghệ", "so"),
            Category("Van-ban", "Văn bản", "vanban"),
        ),
    ),
    SiteDef(
        key="xacamhung",
        name="UBND xã Cẩm Hưng",
        family="nukeviet",
        parent="hatinh",
        weight=10,
        categories=(
            Category("Tin-tuc", "Tin tức", "chung"),
            Category("Tin-tinh", "Tin tỉnh", "nongthon"),
        ),
    ),
)

SEED_SITE = "stttt"
SEED_CATEGORY = "tin-hoat-dong"
# The seed's ticker titles are real headlines of the same days; they become articles too.
TICKER_CATEGORY = "tin-trong-tinh"


def site_def(key: str) -> SiteDef:
    for site in SITES:
        if site.key == key:
            return site
    raise KeyError(key)
