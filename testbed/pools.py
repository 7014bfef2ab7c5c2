"""Vietnamese phrase and sentence pools the article generator recombines.

Placeholders: {place} a district or commune, {Place} the same capitalised, {year} the
publication year, {stage} its five-year plan, {org} an agency, {leader} an official,
{obj} a topic object from OBJECTS.
"""

from __future__ import annotations

PLACES: tuple[str, ...] = (
    "huyện Cẩm Xuyên",
    "huyện Thạch Hà",
    "huyện Lộc Hà",
    "huyện Can Lộc",
    "huyện Kỳ Anh",
    "thị xã Kỳ Anh",
    "huyện Hương Khê",
    "huyện Hương Sơn",
    "huyện Đức Thọ",
    "huyện Vũ Quang",
    "huyện Nghi Xuân",
    "thị xã Hồng Lĩnh",
    "thành phố Hà Tĩnh",
    "phường Sông Trí",
    "phường Kỳ Trinh",
    "phường Hưng Trí",
    "phường Kỳ Long",
    "phường Kỳ Liên",
    "xã Kỳ Hoa",
    "xã Kỳ Lợi",
    "xã Kỳ Hà",
    "xã Kỳ Ninh",
    "xã Cẩm Quang",
    "xã Cẩm Nhượng",
    "xã Thạch Hạ",
    "xã Tùng Lộc",
    "xã Sơn Kim 1",
    "xã Hương Trà",
    "xã Thạch Kim",
    "xã Xuân Thành",
    "xã Cương Gián",
    "xã Đức Đồng",
    "xã Hương Minh",
    "xã Sơn Tây",
    "xã Thiên Lộc",
    "xã Kỳ Tân",
    "phường Kỳ Thịnh",
    "phường Kỳ Phương",
    "thị trấn Nghèn",
    "thị trấn Vũ Quang",
)

ORGS: tuple[str, ...] = (
    "UBND tỉnh",
    "Sở Thông tin và Truyền thông",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Kế hoạch và Đầu tư",
    "Sở Nội vụ",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Ban Chỉ đạo chuyển đổi số tỉnh",
    "UBND thị xã Kỳ Anh",
    "Văn phòng Điều phối nông thôn mới tỉnh",
    "Công an tỉnh",
    "Trung tâm Hành chính công tỉnh",
    "Bưu điện tỉnh",
    "Liên đoàn Lao động tỉnh",
)

LEADERS: tuple[str, ...] = (
    "Trần Tiến Hưng - Chủ tịch UBND tỉnh",
    "Lê Văn Dũng - Trưởng phòng CNTT",
    "Nguyễn Hồng Lĩnh - Phó Chủ tịch UBND tỉnh",
    "Đặng Ngọc Sơn - Phó Chủ tịch UBND tỉnh",
    "Phan Văn Thắng - Giám đốc Sở",
    "Nguyễn Thị Thu Hà - Phó Giám đốc Sở",
    "Hồ Huy Thành - Chủ tịch UBND thị xã Kỳ Anh",
    "Lê Ngọc Huấn - Giám đốc Sở",
    "Trần Minh Đức - Chánh Văn phòng",
    "Võ Trọng Hải - Phó Bí thư Tỉnh ủy",
)

AUTHORS: tuple[str, ...] = (
    "H.A",
    "N.N",
    "Thu Hà",
    "Trần Minh Đức",
    "P.V",
    "Lê Hoa",
    "Thanh Hương",
    "Đức Kiên",
    "Minh Châu",
    "Q.N",
    "Hoàng Anh",
    "Văn Đức",
)

PERIODS: tuple[str, ...] = (
    "năm {year}",
    "6 tháng đầu năm {year}",
    "quý I/{year}",
    "quý III/{year}",
    "9 tháng năm {year}",
    "giai đoạn {stage}",
)

OBJECTS: dict[str, tuple[str, ...]] = {
    "so": (
        "chuyển đổi số",
        "dịch vụ công trực tuyến mức độ 4",
        "chữ ký số",
        "nền tảng tích hợp, chia sẻ dữ liệu LGSP",
        "hệ thống một cửa điện tử",
        "an toàn thông tin mạng",
        "phòng họp trực tuyến",
        "tổ công nghệ số cộng đồng",
        "thanh toán không dùng tiền mặt",
        "Đề án 06",
        "hệ thống thông tin báo cáo",
        "đô thị thông minh",
        "hồ sơ sức khỏe điện tử",
        "bưu chính công ích",
        "hạ tầng viễn thông 4G, 5G",
        "hệ thống truyền thanh cơ sở ứng dụng CNTT",
    ),
    "chung": (
        "cải cách hành chính",
        "phòng, chống dịch Covid-19",
        "phòng chống thiên tai",
        "xây dựng nông thôn mới",
        "thu ngân sách nhà nước",
        "giải ngân vốn đầu tư công",
        "bảo vệ môi trường",
        "an toàn giao thông",
        "giảm nghèo bền vững",
        "an sinh xã hội",
        "tiếp công dân",
        "phát triển doanh nghiệp",
        "công tác dân vận",
        "công tác thi đua, khen thưởng",
        "bầu cử đại biểu Quốc hội",
    ),
    "lanhdao": (
        "tiến độ các dự án trọng điểm",
        "giải phóng mặt bằng",
        "thu hút đầu tư",
        "công tác cải cách hành chính",
        "phòng chống lụt bão",
        "sản xuất vụ Xuân",
        "kế hoạch phát triển kinh tế - xã hội",
        "chương trình mục tiêu quốc gia",
        "công tác chuẩn bị Tết Nguyên đán",
        "khu kinh tế Vũng Áng",
        "công tác tuyển sinh",
        "xây dựng nông thôn mới nâng cao",
    ),
    "vanban": (
        "công tác phòng cháy, chữa cháy",
        "phòng, chống dịch bệnh",
        "quản lý đất đai",
        "thực hành tiết kiệm, chống lãng phí",
        "bảo đảm trật tự an toàn giao thông",
        "phòng chống thiên tai",
        "chuyển đổi số",
        "quản lý nhà nước về báo chí",
        "kỷ luật, kỷ cương hành chính",
        "thu hồi nợ thuế",
        "bảo vệ rừng mùa khô",
        "tổ chức Tết Nguyên đán",
    ),
    "vanhoa": (
        "di tích Ngã ba Đồng Lộc",
        "Khu lưu niệm Đại thi hào Nguyễn Du",
        "dân ca ví, giặm Nghệ Tĩnh",
        "lễ hội Chùa Hương Tích",
        "du lịch biển Thiên Cầm",
        "bảo tàng tỉnh",
        "thư viện tỉnh",
        "phong trào toàn dân đoàn kết xây dựng đời sống văn hóa",
        "du lịch cộng đồng",
        "hát ca trù",
        "Khu di tích Nguyễn Công Trứ",
        "du lịch Xuân Thành",
    ),
    "thethao": (
        "giải bóng đá thanh niên",
        "giải việt dã",
        "Đại hội Thể dục thể thao",
        "giải bơi lội",
        "giải cờ tướng",
        "giải bóng chuyền hơi",
        "môn vật dân tộc",
        "phong trào rèn luyện thân thể theo gương Bác Hồ vĩ đại",
        "giải pickleball",
        "đội tuyển điền kinh",
        "giải đua thuyền truyền thống",
        "giải cầu lông",
    ),
    "nongthon": (
        "xây dựng nông thôn mới",
        "khu dân cư kiểu mẫu",
        "vườn mẫu",
        "chương trình OCOP",
        "sản xuất vụ Hè Thu",
        "tiêm phòng gia súc, gia cầm",
        "dồn điền, đổi thửa",
        "nuôi trồng thủy sản",
        "giải phóng mặt bằng",
        "kiên cố hóa kênh mương",
        "trồng rừng tập trung",
        "chuyển đổi cơ cấu cây trồng",
    ),
}

TITLE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "so": (
        "{Place} triển khai {obj} {period}",
        "Tập huấn {obj} cho cán bộ {place}",
        "Đẩy mạnh {obj} tại {place}",
        "Sở Thông tin và Truyền thông kiểm tra {obj} tại {place}",
        "Sơ kết {obj} {period}",
        "Hà Tĩnh: Hiệu quả bước đầu từ {obj} ở {place}",
        "Nâng cao chất lượng {obj} trên địa bàn {place}",
    ),
    "chung": (
        "{Place} tập trung {obj} {period}",
        "Hà Tĩnh đẩy mạnh {obj} {period}",
        "Kiểm tra công tác {obj} tại {place}",
        "Hội nghị tổng kết {obj} {period}",
        "{Place}: Nhiều kết quả tích cực trong {obj}",
        "Tăng cường {obj} ở {place}",
        "Triển khai nhiệm vụ {obj} {period}",
    ),
    "lanhdao": (
        "Chủ tịch UBND tỉnh kiểm tra {obj} tại {place}",
        "Phó Chủ tịch UBND tỉnh làm việc với {place} về {obj}",
        "Lãnh đạo tỉnh chỉ đạo đẩy nhanh {obj} {period}",
        "UBND tỉnh họp bàn {obj} {period}",
        "Đoàn công tác của tỉnh khảo sát {obj} ở {place}",
        "Tháo gỡ vướng mắc về {obj} tại {place}",
    ),
    "vanban": (
        "Chỉ thị về tăng cường {obj} {period}",
        "Công văn chỉ đạo {obj} trên địa bàn {place}",
        "Kế hoạch thực hiện {obj} {period}",
        "Quyết định phê duyệt đề án {obj} {period}",
        "Hướng dẫn triển khai {obj} tại {place}",
        "Thông báo kết luận về {obj} {period}",
    ),
    "vanhoa": (
        "Phát huy giá trị {obj} {period}",
        "{Place} quảng bá {obj}",
        "Khai mạc tuần lễ {obj} tại {place}",
        "Bảo tồn {obj} gắn với phát triển du lịch",
        "Hà Tĩnh: Sức hút của {obj} {period}",
        "Kết nối tour, tuyến {obj} ở {place}",
    ),
    "thethao": (
        "Khai mạc {obj} {place} {period}",
        "Bế mạc {obj} {period}",
        "{Place} đăng cai {obj} {period}",
        "Sôi nổi {obj} tại {place}",
        "Hà Tĩnh giành nhiều huy chương tại {obj} {period}",
        "Tổng kết {obj} {period}",
    ),
    "nongthon": (
        "{Place} về đích {obj} {period}",
        "Người dân {place} chung sức {obj}",
        "Đẩy nhanh tiến độ {obj} tại {place}",
        "{Place} nỗ lực hoàn thành {obj} {period}",
        "Hiệu quả từ {obj} ở {place}",
        "Ra quân {obj} tại {place}",
    ),
}

LEADS: tuple[str, ...] = (
    "{when}, {org} tổ chức hội nghị triển khai {obj} trên địa bàn {place}.",
    "{when}, đoàn công tác của {org} do đồng chí {leader} làm trưởng đoàn đã có buổi làm việc "
    "với {place} về {obj}.",
    "Thời gian qua, {place} đã tập trung lãnh đạo, chỉ đạo thực hiện {obj}, đạt nhiều kết quả "
    "tích cực.",
    "{when}, {org} ban hành văn bản chỉ đạo các địa phương, đơn vị tăng cường {obj}.",
    "Với nhiều cách làm sáng tạo, {place} đang từng bước khẳng định hiệu quả của {obj} "
    "trong đời sống.",
    "(CTTĐT) - {when}, {org} tổ chức sơ kết {obj}, triển khai nhiệm vụ thời gian tới.",
)

WHEN: tuple[str, ...] = ("Sáng {d}/{m}", "Chiều {d}/{m}", "Ngày {d}/{m}", "Sáng nay ({d}/{m})")

SENTENCES: dict[str, tuple[str, ...]] = {
    "chung": (
        "Theo báo cáo, đến nay toàn tỉnh đã hoàn thành 85% kế hoạch đề ra, nhiều chỉ tiêu "
        "vượt so với cùng kỳ.",
        "Các địa phương đã chủ động rà soát, bổ sung kế hoạch, phân công cụ thể cho từng "
        "tập thể, cá nhân phụ trách.",
        "Bên cạnh kết quả đạt được, công tác này vẫn còn một số tồn tại, hạn chế cần sớm "
        "được khắc phục.",
        "Nguyên nhân chủ yếu là do nguồn lực còn hạn chế, sự phối hợp giữa các ngành có lúc "
        "chưa chặt chẽ.",
        "Phát biểu tại hội nghị, đồng chí {leader} ghi nhận, biểu dương những nỗ lực của "
        "các cấp, các ngành.",
        "Đồng chí đề nghị các đơn vị tiếp tục bám sát cơ sở, kịp thời tháo gỡ khó khăn, "
        "vướng mắc phát sinh.",
        "Người dân trên địa bàn {place} đồng tình, hưởng ứng và tích cực tham gia.",
        "Năm {year}, tổng nguồn lực huy động cho chương trình đạt hơn 1.200 tỷ đồng.",
        "Dịp này, nhiều tập thể, cá nhân có thành tích xuất sắc đã được biểu dương, khen thưởng.",
        "Thời gian tới, tỉnh tiếp tục tăng cường công tác tuyên truyền, nâng cao nhận thức "
        "của cán bộ và nhân dân.",
    ),
    "so": (
        "Hệ thống đã kết nối, liên thông với Cổng dịch vụ công quốc gia, giúp người dân "
        "nộp hồ sơ mọi lúc, mọi nơi.",
        "Tỷ lệ hồ sơ được xử lý trực tuyến năm {year} đạt trên 60%, tăng mạnh so với năm trước.",
        "100% cơ quan nhà nước cấp tỉnh, cấp huyện đã sử dụng chữ ký số trong gửi nhận văn "
        "bản điện tử.",
        "Các tổ công nghệ số cộng đồng đã hướng dẫn hàng nghìn người dân cài đặt, sử dụng "
        "ứng dụng VNeID.",
        "Sở Thông tin và Truyền thông sẽ tiếp tục phối hợp với các doanh nghiệp viễn thông "
        "phát triển hạ tầng số.",
        "Công tác bảo đảm an toàn thông tin mạng được quan tâm, không để xảy ra sự cố "
        "nghiêm trọng.",
    ),
    "lanhdao": (
        "Chủ đầu tư cam kết huy động tối đa nhân lực, máy móc để hoàn thành công trình "
        "đúng tiến độ.",
        "Đồng chí yêu cầu các sở, ngành liên quan hỗ trợ địa phương giải quyết dứt điểm "
        "các kiến nghị của người dân.",
        "Lãnh đạo tỉnh đề nghị không để xảy ra tình trạng đùn đẩy trách nhiệm, chậm trễ "
        "trong xử lý công việc.",
        "Các dự án trọng điểm cần được ưu tiên bố trí vốn, hoàn thiện hồ sơ thủ tục trong "
        "tháng {m}.",
    ),
    "vanban": (
        "Yêu cầu thủ trưởng các sở, ban, ngành và Chủ tịch UBND các huyện, thành phố, thị xã "
        "nghiêm túc triển khai thực hiện.",
        "Giao Sở Nội vụ theo dõi, đôn đốc, tổng hợp kết quả thực hiện, báo cáo UBND tỉnh.",
        "Văn bản có hiệu lực kể từ ngày ký ban hành.",
        "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị kịp thời phản ánh "
        "về cơ quan thường trực để tổng hợp.",
    ),
    "vanhoa": (
        "Chương trình thu hút đông đảo người dân và du khách thập phương tham dự.",
        "Các tiết mục văn nghệ đặc sắc mang đậm bản sắc dân ca ví, giặm Nghệ Tĩnh.",
        "Năm {year}, lượng khách du lịch đến Hà Tĩnh ước đạt hơn 2 triệu lượt, tăng 15% "
        "so với cùng kỳ.",
        "Công tác bảo tồn, tu bổ di tích được thực hiện theo đúng quy định của Luật Di sản "
        "văn hóa.",
        "Ngành du lịch sẽ tiếp tục đa dạng hóa sản phẩm, nâng cao chất lượng dịch vụ lưu trú.",
    ),
    "thethao": (
        "Giải quy tụ hơn 300 vận động viên đến từ các huyện, thành phố, thị xã trong tỉnh.",
        "Các trận đấu diễn ra sôi nổi, hấp dẫn, thể hiện tinh thần thi đấu cao thượng.",
        "Kết thúc giải, Ban Tổ chức đã trao giải Nhất, Nhì, Ba cho các đội có thành tích xuất sắc.",
        "Phong trào thể dục thể thao quần chúng ở {place} ngày càng phát triển rộng khắp.",
    ),
    "nongthon": (
        "Đến nay, {place} đã đạt 19/19 tiêu chí, thu nhập bình quân đầu người đạt 55 triệu "
        "đồng/năm.",
        "Người dân đã tự nguyện hiến hàng nghìn mét vuông đất, góp hàng trăm ngày công để "
        "làm đường giao thông.",
        "Nhiều mô hình kinh tế cho thu nhập từ 300 - 500 triệu đồng/năm đã hình thành.",
        "Địa phương đã có 5 sản phẩm được công nhận đạt chuẩn OCOP 3 sao.",
        "Diện tích lúa năng suất cao chiếm hơn 70%, tạo tiền đề cho sản xuất hàng hóa.",
    ),
}

SUBHEADINGS: tuple[str, ...] = (
    "Nhiều kết quả nổi bật",
    "Quyết liệt trong chỉ đạo, điều hành",
    "Tháo gỡ khó khăn, vướng mắc",
    "Phát huy vai trò của người dân",
    "Nhiệm vụ trọng tâm thời gian tới",
    "Lan tỏa hiệu quả",
    "Đổi mới cách làm",
    "Những con số ấn tượng",
)

CAPTIONS: tuple[str, ...] = (
    "Quang cảnh hội nghị.",
    "Đồng chí {leader} phát biểu chỉ đạo tại buổi làm việc.",
    "Đoàn công tác kiểm tra thực tế tại {place}.",
    "Các đại biểu tham dự chương trình.",
    "Người dân {place} tham gia hưởng ứng.",
    "Lãnh đạo tỉnh trao bằng khen cho các tập thể, cá nhân có thành tích xuất sắc.",
    "Một góc {place} hôm nay.",
)
