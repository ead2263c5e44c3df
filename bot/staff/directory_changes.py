"""Directory changes proposed by staff: staged in the database, approved or rejected by a second
account, and on approval written back to knowledge/<code>.yml as only the changed lines.

A change is checked by the loader at each step, on the whole directory as it would be once
written (exactly what `python -m bot.knowledge check` checks), so an approved change never
leaves an invalid file behind; the processes serving residents then reload the directory by
themselves within seconds (bot/knowledge/__init__.py watches the files).

Every method blocks (the database, the file): bot/staff/directory_pages.py calls them in the
staff query pool.
"""
from __future__ import annotations

import difflib
import fcntl
import json
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional

from sqlalchemy import insert, select, update

from bot.demand.schema import directory_audit, directory_proposals
from bot.knowledge.loader import KnowledgeError, load_directory
from bot.knowledge.yaml_edit import WindowNotFound, add_window, edit_window, window_values

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
EDIT, ADD = "edit", "add"
# One writer at a time in this process; the lock on the folder keeps other processes out.
_WRITING = threading.Lock()


class ChangeRefused(ValueError):
    """Why a change cannot be staged or written, in Japanese for the staff page; `error` is the
    loader's, when the check refused it (it names the field)."""

    def __init__(self, message: str, error: Optional[KnowledgeError] = None) -> None:
        super().__init__(message)
        self.error = error


@dataclass(frozen=True)
class Proposal:
    id: int
    municipality: str
    window_id: str
    action: str
    values: Dict[str, Any]
    before: Dict[str, Any]
    source: Optional[str]
    status: str
    proposed_by: str
    proposed_at: datetime
    decided_by: Optional[str]
    decided_at: Optional[datetime]

    @property
    def file_name(self) -> str:
        return f"{self.municipality}.yml"


@dataclass(frozen=True)
class AuditEntry:
    event: str
    staff_name: str
    at: datetime
    note: Optional[str]


def _proposal(row) -> Proposal:
    return Proposal(row.id, row.municipality, row.window_id, row.action, json.loads(row.changes),
                    json.loads(row.before), row.source, row.status, row.proposed_by, row.proposed_at,
                    row.decided_by, row.decided_at)


def changed_text(text: str, proposal_action: str, window_id: str, values: Mapping[str, Any],
                 before: Mapping[str, Any]) -> str:
    """The file's text with the change made; refused when the window moved on since it was proposed."""
    if proposal_action == ADD:
        return add_window(text, values)  # an id used already is the loader's to refuse, like any other
    try:
        now = window_values(text, window_id)
    except WindowNotFound:
        raise ChangeRefused(f"窓口「{window_id}」がファイルにありません（提案のあとで変わりました）。") from None
    moved = [key for key in values if now.get(key) != before.get(key)]
    if moved:
        raise ChangeRefused("この提案のあとで、同じ項目（" + "、".join(moved) + "）が変わりました。"
                            "却下して、いまの内容から提案し直してください。")
    return edit_window(text, window_id, values)


def check(folder: Path, file_name: str, text: str) -> None:
    """The directory as it would be with `file_name` holding `text`, checked by the loader."""
    try:
        load_directory(folder, replaced={file_name: text})
    except KnowledgeError as error:
        raise ChangeRefused(error.ja, error) from error


def unified_diff(file_name: str, old: str, new: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        f"a/knowledge/{file_name}", f"b/knowledge/{file_name}", n=1))


@contextmanager
def _folder_locked(folder: Path) -> Iterator[None]:
    """Only one writer of the directory at a time, across threads and processes (replicas)."""
    with _WRITING:
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
            os.close(descriptor)


def _write_atomically(path: Path, text: str) -> None:
    """Readers see the old file or the new one, never half of it. The temporary name does not
    end in .yml, so no directory reader ever picks it up."""
    temporary = path.with_name(f".{path.name}.writing-{os.getpid()}")
    temporary.write_text(text, encoding="utf-8")
    try:
        os.chmod(temporary, path.stat().st_mode & 0o777)
    except FileNotFoundError:
        pass
    os.replace(temporary, path)


class DirectoryChanges:
    def __init__(self, engine, folder: Path) -> None:
        self.engine = engine
        self.folder = Path(folder)

    # --- reading --------------------------------------------------------------------------

    def get(self, proposal_id: int) -> Optional[Proposal]:
        with self.engine.connect() as connection:
            row = connection.execute(select(directory_proposals).where(directory_proposals.c.id == proposal_id)).first()
        return _proposal(row) if row else None

    def pending(self, municipality: Optional[str] = None) -> List[Proposal]:
        query = select(directory_proposals).where(directory_proposals.c.status == PENDING)
        if municipality:
            query = query.where(directory_proposals.c.municipality == municipality)
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(directory_proposals.c.id)).all()
        return [_proposal(row) for row in rows]

    def decided(self, municipality: str, limit: int = 20) -> List[Proposal]:
        query = (select(directory_proposals)
                 .where(directory_proposals.c.municipality == municipality, directory_proposals.c.status != PENDING)
                 .order_by(directory_proposals.c.decided_at.desc(), directory_proposals.c.id.desc()).limit(limit))
        with self.engine.connect() as connection:
            return [_proposal(row) for row in connection.execute(query).all()]

    def audit(self, proposal_id: int) -> List[AuditEntry]:
        query = (select(directory_audit).where(directory_audit.c.proposal_id == proposal_id)
                 .order_by(directory_audit.c.id))
        with self.engine.connect() as connection:
            return [AuditEntry(row.event, row.staff_name, row.at, row.note) for row in connection.execute(query).all()]

    def text_of(self, municipality: str) -> str:
        return (self.folder / f"{municipality}.yml").read_text(encoding="utf-8")

    def preview(self, proposal: Proposal) -> str:
        """The lines approval would write now, as a diff; refused when it could not be made."""
        old = self.text_of(proposal.municipality)
        new = changed_text(old, proposal.action, proposal.window_id, proposal.values, proposal.before)
        return unified_diff(proposal.file_name, old, new)

    # --- changing -------------------------------------------------------------------------

    def propose(self, municipality: str, window_id: str, action: str, values: Mapping[str, Any],
                before: Mapping[str, Any], source: Optional[str], staff_name: str) -> int:
        """Stages a change after checking it as it would be written now; its id."""
        old = self.text_of(municipality)
        check(self.folder, f"{municipality}.yml", changed_text(old, action, window_id, values, before))
        now = datetime.utcnow()
        with self.engine.begin() as connection:
            proposal_id = connection.execute(insert(directory_proposals).values(
                municipality=municipality, window_id=window_id, action=action,
                changes=json.dumps(dict(values), ensure_ascii=False), before=json.dumps(dict(before), ensure_ascii=False),
                source=source, status=PENDING, proposed_by=staff_name, proposed_at=now,
            )).inserted_primary_key[0]
            self._log(connection, proposal_id, "proposed", staff_name, now)
        return proposal_id

    def _log(self, connection, proposal_id: int, event: str, staff_name: str, at: datetime,
             note: Optional[str] = None) -> None:
        connection.execute(insert(directory_audit).values(proposal_id=proposal_id, event=event,
                                                          staff_name=staff_name, at=at, note=note))

    def _refuse(self, proposal_id: int, staff_name: str, reason: str) -> None:
        with self.engine.begin() as connection:
            self._log(connection, proposal_id, "refused", staff_name, datetime.utcnow(), reason)
        raise ChangeRefused(reason)

    def _pending(self, proposal_id: int) -> Proposal:
        proposal = self.get(proposal_id)
        if proposal is None:
            raise ChangeRefused("その提案はありません。")
        if proposal.status != PENDING:
            raise ChangeRefused("この提案はすでに処理されています。")
        return proposal

    def approve(self, proposal_id: int, staff_name: str) -> Proposal:
        """Writes the change to its file, if a second account approves it and it still applies
        and checks; the proposal, the approval and the lines written are recorded."""
        proposal = self._pending(proposal_id)
        if proposal.proposed_by == staff_name:
            self._refuse(proposal_id, staff_name, "自分の提案は承認できません。ほかの職員に確認を頼んでください。")
        path = self.folder / proposal.file_name
        with _folder_locked(self.folder):
            old = path.read_text(encoding="utf-8")
            try:
                new = changed_text(old, proposal.action, proposal.window_id, proposal.values, proposal.before)
                check(self.folder, proposal.file_name, new)
            except ChangeRefused as refused:
                self._refuse(proposal_id, staff_name, str(refused))
            now, written = datetime.utcnow(), False
            try:
                with self.engine.begin() as connection:
                    # Claimed in the statement that checks it: two approvals at once write once.
                    claimed = connection.execute(
                        update(directory_proposals)
                        .where(directory_proposals.c.id == proposal_id, directory_proposals.c.status == PENDING,
                               directory_proposals.c.proposed_by != staff_name)
                        .values(status=APPROVED, decided_by=staff_name, decided_at=now)
                    ).rowcount
                    if claimed != 1:
                        raise ChangeRefused("この提案はすでに処理されています。")
                    self._log(connection, proposal_id, "approved", staff_name, now,
                              unified_diff(proposal.file_name, old, new))
                    # Written before the commit: a failed write rolls the approval back with it.
                    _write_atomically(path, new)
                    written = True
            except Exception:
                if written:  # the approval was not recorded: the file goes back to what it was
                    _write_atomically(path, old)
                raise
        return self.get(proposal_id)

    def reject(self, proposal_id: int, staff_name: str) -> Proposal:
        """Any staff member may reject; the proposer rejecting their own is withdrawing it."""
        self._pending(proposal_id)
        now = datetime.utcnow()
        with self.engine.begin() as connection:
            claimed = connection.execute(
                update(directory_proposals)
                .where(directory_proposals.c.id == proposal_id, directory_proposals.c.status == PENDING)
                .values(status=REJECTED, decided_by=staff_name, decided_at=now)
            ).rowcount
            if claimed != 1:
                raise ChangeRefused("この提案はすでに処理されています。")
            self._log(connection, proposal_id, "rejected", staff_name, now)
        return self.get(proposal_id)
