"""The read rule of a dataset, shared by the API (``GET`` of a dataset) and the viewer."""

from __future__ import annotations

from .records import DatasetRecord
from .store_users import UserStore


def may_read(store: UserStore, username: str, record: DatasetRecord) -> bool:
    """The read rule of the API and the viewer: the owner, anyone once ``public``, and
    members of the dataset's org unless it is ``private``."""
    if record.owner == username or record.privacy == "public":
        return True
    return record.privacy != "private" and store.is_member(username, record.org)
