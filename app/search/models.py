"""The search outbox: index changes written in the same transaction as the data."""

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import UTCDateTime
from app.extensions import Model
from app.timeutil import utcnow


class SearchOutbox(Model):
    """A document to refresh in the index once its transaction has committed."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    object_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# The PostgreSQL search backend creates its own tables (search_documents and
# search_documents_words) at run time, possibly in the app's database: the
# migrations neither build nor drop them.
SEARCH_BACKEND_TABLES = "search_documents"


def include_in_migrations(name: str | None, type_: str, _parent_names: dict) -> bool:
    """Alembic's include_name hook: leave the search backend's tables alone."""
    return not (type_ == "table" and (name or "").startswith(SEARCH_BACKEND_TABLES))
