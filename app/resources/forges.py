"""Which forge, owner and repository a URL names: GitHub, GitLab, SourceHut."""

from dataclasses import dataclass
from urllib.parse import urlsplit

FORGES = {"github.com": "GitHub", "gitlab.com": "GitLab", "git.sr.ht": "SourceHut"}
# Paths under an owner that are pages of the forge, not repositories.
NOT_REPOSITORIES = {"orgs", "users", "settings", "explore", "groups", "topics"}


@dataclass(frozen=True)
class Repository:
    forge: str  # "GitHub", "GitLab", "SourceHut"
    owner: str  # user, organisation or GitLab group path
    name: str | None  # None when the URL names only the owner

    @property
    def label(self) -> str:
        return f"{self.owner}/{self.name}" if self.name else self.owner


def _forge(host: str) -> str | None:
    host = host.lower().removeprefix("www.")
    if host in FORGES:
        return FORGES[host]
    if host.startswith("gitlab."):  # self-hosted GitLab: gitlab.example.gouv.fr
        return "GitLab"
    return None


def _parts(forge: str, path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    if forge == "GitLab" and "-" in parts:  # /group/repo/-/tree/main
        parts = parts[: parts.index("-")]
    elif forge == "GitHub":
        parts = parts[:2]  # /owner/repo/tree/main/...
    elif forge == "SourceHut":
        parts = parts[:2]
    return parts


def repository_of(url: str) -> Repository | None:
    """The repository (or owner) a forge URL points to; None for other URLs."""
    split = urlsplit(url)
    forge = _forge(split.hostname or "")
    if forge is None:
        return None
    parts = _parts(forge, split.path)
    if not parts or parts[0].lower() in NOT_REPOSITORIES:
        return None
    if forge == "SourceHut" and not parts[0].startswith("~"):
        return None
    if len(parts) == 1:
        return Repository(forge, parts[0], None)
    name = parts[-1].removesuffix(".git")
    return Repository(forge, "/".join(parts[:-1]), name)
