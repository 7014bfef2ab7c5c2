"""Portal profiles: the CMS families the archive knows, and how to choose one.

A family groups the template versions of one CMS (oldest first). For a page,
the newest version whose markup applies is used; for URL rules the newest
version speaks for the family.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml.html import HtmlElement

from archive.profiles import generic, liferay, nukeviet, portalfolder, tandan
from archive.profiles.base import Profile
from archive.profiles.sitewide import SiteKnowledge
from archive.text import parse_html

__all__ = [
    "FAMILIES",
    "Family",
    "Profile",
    "ProfileNotFound",
    "detect_family",
    "get_family",
    "get_profile",
    "resolve_profile",
]


class ProfileNotFound(KeyError, ValueError):
    """No family of that name; a KeyError for lookups, a ValueError for arguments."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown portal family"


@dataclass(frozen=True)
class Family:
    name: str
    versions: tuple[type[Profile], ...]

    def latest(self, knowledge: SiteKnowledge | None = None) -> Profile:
        return self.versions[-1](knowledge)

    def profile_for(self, tree: HtmlElement) -> Profile:
        """The newest version whose template the page uses, else the newest."""
        for version in reversed(self.versions):
            if version.applies_to(tree):
                return version()
        return self.latest()

    def shows_markup(self, tree: HtmlElement) -> bool:
        return any(version.shows_markup(tree) for version in self.versions)

    def shows_site_markup(self, tree: HtmlElement) -> bool:
        return any(version.shows_site_markup(tree) for version in self.versions)

    def owns_article_url(self, url: str) -> bool:
        return any(version.owns_article_url(url) for version in self.versions)


FAMILIES: dict[str, Family] = {
    "portalfolder": Family("portalfolder", portalfolder.VERSIONS),
    "tandan": Family("tandan", tandan.VERSIONS),
    "liferay": Family("liferay", liferay.VERSIONS),
    "nukeviet": Family("nukeviet", nukeviet.VERSIONS),
    "generic": Family("generic", generic.VERSIONS),
}


def get_family(name: str) -> Family:
    try:
        return FAMILIES[name]
    except KeyError:
        known = ", ".join(sorted(FAMILIES))
        raise ProfileNotFound(f"unknown portal family {name!r}; known families: {known}") from None


def get_profile(family: str) -> Profile:
    """The newest profile of ``family`` (for its URL rules or to parse its pages)."""
    return get_family(family).latest()


def detect_family(html_tree_or_text: HtmlElement | str | bytes, url: str) -> str | None:
    """The family whose markup (or, failing that, article URL shape) the page shows.

    ``None`` means no known family: parse with the generic profile.
    """
    tree = (
        html_tree_or_text
        if isinstance(html_tree_or_text, HtmlElement)
        else parse_html(html_tree_or_text)
    )
    # Markup is the stronger evidence: a page can sit at any URL (redirects, mirrors).
    # Article markup comes first, since a page may link to sub-sites of other families.
    if tree is not None:
        for shows in (Family.shows_markup, Family.shows_site_markup):
            found = next((name for name, family in FAMILIES.items() if shows(family, tree)), None)
            if found:
                return found
    return next((name for name, family in FAMILIES.items() if family.owns_article_url(url)), None)


def resolve_profile(tree: HtmlElement, url: str, profile: Profile | Family | str | None) -> Profile:
    """The profile to parse ``tree`` with: given, or the version the page uses of the family
    given, named, detected, or generic."""
    if isinstance(profile, Profile):
        return profile
    if isinstance(profile, Family):
        return profile.profile_for(tree)
    family = profile if profile is not None else detect_family(tree, url)
    return get_family(family or "generic").profile_for(tree)
