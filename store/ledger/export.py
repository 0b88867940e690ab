"""Writing the ledger (.xlsx or .csv): one visit a row with its issue's state and colour."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from store.core.files import written_whole
from store.core.models import (
    Category,
    Channel,
    Colour,
    Constituent,
    Deliberation,
    Deputy,
    Evaluation,
    Issue,
    IssueMove,
    IssueStatus,
    MoveReason,
    ObservationPoint,
    Observer,
    Resolution,
    Satisfaction,
    Tier,
    Unit,
    Village,
    Visit,
    VisitKind,
)
from store.core.rows import live
from store.core.rules import closed_colour, open_colour
from store.core.settings import StationSettings, load_settings
from store.core.validation import mask_numbers, mask_phone
from store.ledger.columns import COLOUR_HEADER, COLUMNS, is_formula_like, neutralise
from store.ledger.errors import LedgerUnreadable
from store.ledger.life import LIFE_KEYS, NO, YES, Judged, Moved, format_evaluations, format_moves
from store.ledger.sessions import session_cell
from store.ledger.suggestions import Value as SuggestionValue
from store.ledger.suggestions import add_sheet, suggestion_rows
from store.ledger.values import CONSENT_NO, CONSENT_YES
from store.station import station_info

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

HEADERS: tuple[str, ...] = (*(c.zh for c in COLUMNS), COLOUR_HEADER)
PAGE = 1000
# Issue refs: 12 hex digits of the id (48 bits), so even 100,000 issues do not collide.
REF_LENGTH = 13
# Excel's own "good / neutral / bad" fills, so the board colours look familiar.
_FILLS = {Colour.green: "FFC6EFCE", Colour.yellow: "FFFFEB9C", Colour.red: "FFFFC7CE"}
_HEADER_FILL = "FFD9E1F2"
_MIN_WIDTH, _MAX_WIDTH = 6, 60


def issue_ref(issue_id: str) -> str:
    """The short, stable reference of an issue in a ledger (its `事项` column)."""
    return issue_id[:REF_LENGTH]


def display_width(text: str) -> int:
    """Columns `text` takes in a spreadsheet: wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def export_ledger(
    *,
    session: Session,
    out: Path,
    today: date,
    reveal: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write every visit, in the order received, to an .xlsx or .csv ledger.

    Phones, and the phone and ID numbers inside residents' words (内容), are masked unless
    `reveal`; a masked ledger cannot be imported again (its phones are not valid), so a round
    trip needs `reveal=True`. The file appears whole or not at all. An .xlsx has the deputies'
    suggestions on a second sheet, 代表建议 (store.ledger.suggestions; the import reads the first).

    Args:
        session: a read session.
        out: the file to write; its suffix (.xlsx or .csv) decides the format.
        today: the station's date, for the colours.
        reveal: write phones, and the numbers in residents' words, in full.
        progress: told (rows done, rows in all) after every page of rows.
    Returns:
        How many visits were written.
    Raises:
        LedgerUnreadable: `out` is neither .xlsx nor .csv (key `ledger.unsupported`).
    """
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise LedgerUnreadable("ledger.unsupported")
    total = session.exec(select(func.count()).select_from(Visit).where(live(Visit))).one()
    rows = _ledger_rows(session, today=today, reveal=reveal, total=total, progress=progress)
    with written_whole(out) as partial:
        if suffix == ".csv":
            written = _write_csv(partial, rows)
        else:
            suggestions = suggestion_rows(session=session, reveal=reveal)
            written = _write_xlsx(partial, rows, suggestions)
    return written


Lead = aliased(Deputy)
IssueCategory = aliased(Category)
IssueVillage = aliased(Village)


def _query() -> Select[*tuple[Any, ...]]:
    # More columns than sqlmodel's select() types (four): its Select, typed by hand.
    query: Select[*tuple[Any, ...]] = Select(
        col(Visit.id),
        col(Visit.received_at),
        col(Visit.channel),
        col(Visit.kind),
        col(Visit.text),
        col(Constituent.name),
        col(Constituent.phone),
        col(Village.name),
        col(Category.name),
        col(Deputy.name),
        col(Issue.id),
        col(Issue.tier),
        col(Unit.name),
        col(Issue.status),
        col(Issue.satisfaction),
        col(Issue.resupervision),
        col(Issue.closed_on),
        col(Issue.due_on),
        col(Issue.warn_on),
        col(Visit.consent_forward),
        col(Visit.no_callback),
        col(Issue.title),
        col(Lead.name),
        col(Issue.opened_on),
        col(Issue.closed_within_window),
        col(Issue.resolution),
        col(Issue.evaluated_at),
        col(Issue.reopen_count),
        col(Visit.withdrawn_at),
        col(Visit.withdrawn_reason),
        col(Issue.withdrawn_at),
        col(IssueCategory.name),
        col(IssueVillage.name),
        col(Observer.name),
        col(ObservationPoint.name),
        col(Deliberation.kind),
        col(Deliberation.held_on),
        col(Deliberation.place),
    )
    return (
        query.join(Constituent, col(Constituent.id) == Visit.constituent_id)
        .join(Village, col(Village.id) == Visit.village_id)
        .join(Category, col(Category.id) == Visit.category_id)
        .outerjoin(Deputy, col(Deputy.id) == Visit.deputy_id)
        .outerjoin(Issue, and_(col(Issue.id) == Visit.issue_id, live(Issue)))
        .outerjoin(Unit, col(Unit.id) == Issue.unit_id)
        .outerjoin(Lead, col(Lead.id) == Issue.lead_deputy_id)
        .outerjoin(IssueCategory, col(IssueCategory.id) == Issue.category_id)
        .outerjoin(IssueVillage, col(IssueVillage.id) == Issue.village_id)
        .outerjoin(Observer, col(Observer.id) == Visit.observer_id)
        .outerjoin(ObservationPoint, col(ObservationPoint.id) == Visit.point_id)
        .outerjoin(
            Deliberation,
            and_(col(Deliberation.id) == Visit.deliberation_id, live(Deliberation)),
        )
        .where(live(Visit))
        .order_by(col(Visit.received_at), col(Visit.id))
    )


# A cell as written: text, a count, a day or a station-local time (Excel dates in .xlsx).
Value = str | int | date | datetime
Row = tuple[list[Value], Colour | None]


def _ledger_rows(
    session: Session,
    *,
    today: date,
    reveal: bool,
    total: int,
    progress: Callable[[int, int], None] | None,
) -> Iterator[Row]:
    """The ledger's rows, a page of SQL at a time (keyset paging on received time and id)."""
    tz = ZoneInfo(station_info(session=session).timezone)
    settings = load_settings(session=session)
    histories: dict[str, list[Judged]] = {}
    moves: dict[str, list[Moved]] = {}
    last: tuple[datetime, str] | None = None
    done = 0
    while True:
        query = _query()
        if last is not None:
            query = query.where(
                or_(
                    col(Visit.received_at) > last[0],
                    and_(col(Visit.received_at) == last[0], col(Visit.id) > last[1]),
                )
            )
        page = session.exec(query.limit(PAGE)).all()
        if not page:
            break
        _load_histories(session, page, histories, tz)
        _load_moves(session, page, moves, tz)
        for found in page:
            yield _row(found, tz, today, settings, reveal, histories, moves)
        last = (page[-1][1], page[-1][0])
        done += len(page)
        if progress is not None:
            progress(done, total)
        if len(page) < PAGE:
            break


def _load_histories(
    session: Session, page: Sequence[Any], histories: dict[str, list[Judged]], tz: tzinfo
) -> None:
    """Each issue's evaluations, oldest first, for the issues of a page not loaded yet."""
    wanted = sorted({r[10] for r in page if r[10] and r[10] not in histories})
    if not wanted:
        return
    for issue_id in wanted:
        histories[issue_id] = []
    # More columns than sqlmodel's select() types (four): its Select, typed by hand.
    columns: Select[str, datetime, str, str, str | None] = Select(
        col(Evaluation.issue_id),
        col(Evaluation.at),
        col(Evaluation.resolution),
        col(Evaluation.satisfaction),
        col(Deputy.name),
    )
    for issue_id, at, resolution, satisfaction, deputy in session.exec(
        columns.outerjoin(Deputy, col(Deputy.id) == Evaluation.deputy_id)
        .where(col(Evaluation.issue_id).in_(wanted), live(Evaluation))
        .order_by(col(Evaluation.at), col(Evaluation.id))
    ).all():
        histories[issue_id].append(
            Judged(_local(at, tz), Resolution(resolution), Satisfaction(satisfaction), deputy)
        )


_FromUnit = aliased(Unit)
_ToUnit = aliased(Unit)


def _load_moves(
    session: Session, page: Sequence[Any], moves: dict[str, list[Moved]], tz: tzinfo
) -> None:
    """Each issue's moves between tiers, oldest first, for the issues of a page not loaded yet."""
    wanted = sorted({r[10] for r in page if r[10] and r[10] not in moves})
    if not wanted:
        return
    for issue_id in wanted:
        moves[issue_id] = []
    # More columns than sqlmodel's select() types (four): its Select, typed by hand.
    columns: Select[IssueMove, str, str, str | None] = Select(
        IssueMove, col(_FromUnit.name), col(_ToUnit.name), col(Deputy.name)
    )
    for move, from_unit, to_unit, deputy in session.exec(
        columns.join(_FromUnit, col(_FromUnit.id) == IssueMove.from_unit_id)
        .join(_ToUnit, col(_ToUnit.id) == IssueMove.to_unit_id)
        .outerjoin(Deputy, col(Deputy.id) == IssueMove.deputy_id)
        .where(col(IssueMove.issue_id).in_(wanted), live(IssueMove))
        .order_by(col(IssueMove.moved_at), col(IssueMove.id))
    ).all():
        moves[move.issue_id].append(
            Moved(
                at=_local(move.moved_at, tz),
                from_tier=Tier(move.from_tier),
                to_tier=Tier(move.to_tier),
                from_unit=from_unit,
                to_unit=to_unit,
                reason=MoveReason(move.reason),
                from_due=move.from_due_on,
                to_due=move.to_due_on,
                deputy=deputy,
                note=move.note,
            )
        )


def _local(instant: datetime, tz: tzinfo) -> datetime:
    """A stored instant as the station's wall clock, to the minute (what a ledger keeps)."""
    aware = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    return aware.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)


def _row(
    found: Any,
    tz: tzinfo,
    today: date,
    settings: StationSettings,
    reveal: bool,
    histories: dict[str, list[Judged]],
    moves: dict[str, list[Moved]],
) -> Row:
    (
        _visit_id,
        received_at,
        channel,
        kind,
        text,
        name,
        phone,
        village,
        category,
        deputy,
        issue_id,
        tier,
        unit,
        status,
        satisfaction,
        resupervision,
        closed_on,
        due_on,
        warn_on,
        consent,
        no_callback,
        title,
        lead,
        opened_on,
        on_time,
        resolution,
        evaluated_at,
        reopen_count,
        withdrawn_at,
        withdrawn_reason,
        issue_withdrawn_at,
        issue_category,
        issue_village,
        observer,
        point,
        session_kind,
        session_day,
        session_place,
    ) = found
    # 同意转交 and a withdrawal (撤回) are facts of the visit, written for untriaged visits too.
    consented = CONSENT_YES[0] if consent else CONSENT_NO[0]
    declined = CONSENT_YES[0] if no_callback else CONSENT_NO[0]
    reason = withdrawn_reason or ""
    withdrawn: list[Value] = [
        _local(withdrawn_at, tz) if withdrawn_at else "",
        reason if reveal else mask_numbers(reason),
    ]
    # The observer by name, as the resident is (a purged one's is empty); never a phone. Then
    # the session it was raised at.
    relayed: list[Value] = [
        observer or "",
        point or "",
        session_cell(session_kind, session_day, session_place) if session_kind else "",
    ]
    cells: list[Value] = [
        _local(received_at, tz),
        Channel(channel).zh,
        name,
        phone if reveal else mask_phone(phone),
        village,
        # Phones and ID numbers the resident said are masked like the phone column
        # (docs/rules/data.md).
        text if reveal else mask_numbers(text),
        category,
        VisitKind(kind).zh,
    ]
    if issue_id is None:
        blank: list[Value] = [""] * len(LIFE_KEYS)
        return [
            *cells,
            "",
            "",
            "",
            "",
            deputy or "",
            *relayed,
            "",
            consented,
            declined,
            *blank,
            *withdrawn,
            "",
        ], None
    if issue_withdrawn_at is not None:
        colour = Colour.green  # nothing pending (store.desk.issue_rows.issue_colour)
    elif status == IssueStatus.closed and closed_on is not None:
        colour = closed_colour(
            today=today,
            closed_on=closed_on,
            satisfaction=satisfaction,
            grace_days=settings.evaluation_grace_days,
        )
    else:
        colour = open_colour(
            today=today, due_on=due_on, warn_on=warn_on, resupervision=bool(resupervision)
        )
    history = histories.get(issue_id, [])
    # An issue reopened for re-supervision keeps no verdict of its own: the ledger shows the
    # one that reopened it (督事 with 不满意), its history says when.
    verdict = satisfaction or (history[-1].satisfaction if resupervision and history else None)
    cells += [
        Tier(tier).zh,
        unit or "",
        IssueStatus(status).zh,
        Satisfaction(verdict).zh if verdict else "",
        deputy or "",
        *relayed,
        issue_ref(issue_id),
        consented,
        declined,
        # The title is the first visit's words, cut short: masked like them.
        title if reveal else mask_numbers(title),
        lead or "",
        opened_on,
        due_on,
        warn_on,
        closed_on or "",
        "" if on_time is None else (YES[0] if on_time else NO[0]),
        Resolution(resolution).zh if resolution else "",
        _local(evaluated_at, tz) if evaluated_at else "",
        reopen_count,
        format_evaluations(history),
        # The deputies' words of the moves are masked like residents' words (a number may be in
        # them).
        format_moves(
            [
                m if reveal else replace(m, note=mask_numbers(m.note))
                for m in moves.get(issue_id, [])
            ]
        ),
        issue_category or "",
        issue_village or "",
        *withdrawn,
        f"{colour.glyph} {colour.zh}",
    ]
    return cells, colour


def _text(value: Value) -> str:
    """A cell as CSV text, in the forms the import reads."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _write_csv(path: Path, rows: Iterator[Row]) -> int:
    written = 0
    # UTF-8 with a BOM: Excel in China opens BOM-less CSV as GBK and garbles it.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        for cells, _colour in rows:
            writer.writerow([neutralise(_text(cell)) for cell in cells])
            written += 1
    return written


# Excel's formats for the typed cells: station-local times and days, and text ("@") for the
# phone, so that editing it never turns 13812345678 into 1.38E+10.
_TIME_FORMAT, _DAY_FORMAT, _TEXT_FORMAT = "yyyy-mm-dd hh:mm", "yyyy-mm-dd", "@"
_PHONE = HEADERS.index("电话")


def _write_xlsx(
    path: Path, rows: Iterator[Row], suggestions: list[list[SuggestionValue]] | None = None
) -> int:
    # openpyxl costs about 0.1 s to import; only .xlsx exports need it.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台账")
    # Widths must be set before the first row is written: fit them to the header and a first
    # page of rows, which is what a reader sees on opening the file.
    first: list[Row] = []
    for item in rows:
        first.append(item)
        if len(first) >= PAGE:
            break
    for position, header in enumerate(HEADERS, start=1):
        width = max(
            [display_width(header)]
            + [display_width(_text(cells[position - 1]).split("\n", 1)[0]) for cells, _ in first]
        )
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = min(_MAX_WIDTH, max(_MIN_WIDTH, width + 2))
    sheet.freeze_panes = "A2"
    # Printed as a person reads it: A4 landscape, every column on one page's width (as many
    # pages down as it takes), the header row on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor=_HEADER_FILL)
    fills = {c: PatternFill("solid", fgColor=argb) for c, argb in _FILLS.items()}

    def header_cell(value: str) -> Cell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = bold
        cell.fill = header_fill
        return cell

    def typed_cell(value: Value, position: int) -> Any:
        if isinstance(value, datetime | date):
            # A day is written as its midnight, shown as a day (openpyxl's types take datetimes).
            moment = value if isinstance(value, datetime) else datetime.combine(value, time())
            cell = WriteOnlyCell(sheet, value=moment)
            cell.number_format = _TIME_FORMAT if isinstance(value, datetime) else _DAY_FORMAT
            return cell
        if position == _PHONE:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cell.number_format = _TEXT_FORMAT
            return cell
        if not isinstance(value, str) or not is_formula_like(value):
            return value
        # Text, never a formula: openpyxl would store "=…" as one; the quote prefix tells
        # Excel to keep it text when the cell is edited.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell

    sheet.append([header_cell(h) for h in HEADERS])
    written = 0

    def all_rows() -> Iterator[Row]:
        yield from first
        yield from rows

    for cells, colour in all_rows():
        values = [typed_cell(v, i) for i, v in enumerate(cells)]
        if colour is not None:
            swatch = WriteOnlyCell(sheet, value=str(cells[-1]))
            swatch.fill = fills[colour]
            values[-1] = swatch
        sheet.append(values)
        written += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{written + 1}"
    if suggestions:
        add_sheet(workbook, suggestions)
    workbook.save(path)
    return written
