"""The report as an editable Word document (.docx), made with python-docx.

It is the PDF's report, read from the same ``ReportContext`` and in the same order, laid
out with what Word edits well: Word's own heading styles (its navigation pane and its
table of contents work from them), tables as Word tables, and the PDF's charts, drawn by
the same templates, as PNG images (cairosvg turns the SVG strings into pixels; there is
no second drawing code). Chinese is set in Microsoft YaHei, which Word on Windows and
macOS has, named as the East Asian font of every style and every run, with the text's
language marked.

Chapters are Heading 1, as the PDF's chapters; the dimensions, chapters of their own in
the PDF, are Heading 2 under a chapter that exists only here, so that Word's contents
list them below one entry; the PDF's subheadings are Heading 3.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import cairosvg
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from flask import current_app
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from assessment.reports.context import PAGE_PLACEHOLDER, ReportContext

EAST_ASIAN_FONT = "Microsoft YaHei"  # 微软雅黑: on Windows, and in Office for macOS
LATIN_FONT = "Calibri"
TEXT_WIDTH_MM = 160  # A4 less 25 mm margins each side
CHART_DPI = 300
INK = RGBColor(0x1D, 0x27, 0x33)
HEADING_INK = RGBColor(0x17, 0x44, 0x6E)
MUTED = RGBColor(0x5A, 0x66, 0x75)
TARGET_COLOUR = "D55E00"
NOW_COLOUR = "1f5f99"
BAR_FOLDER = Path("img") / "report"  # bar-<level>.png, the PDF's level bars


def level_text(level) -> str:
    """As the PDF's ``level_text``: "Level 3 · Defined", or that data are insufficient."""
    if level is None:
        return _("Insufficient data")
    return f"{_('Level %(number)s', number=level.number)} · {level.name}"


def or_dash(value: object) -> str:
    return str(value) if value not in (None, "") else "—"


class WordReport:
    """Builds one report from its context, the stored logo (if any) and the static files
    (the level bars)."""

    def __init__(self, context: ReportContext, logo: Path | None, static_folder: Path) -> None:
        self.r = context
        self.logo = logo
        self.static_folder = static_folder
        self.document = Document()
        self.language = "zh-CN" if context.lang.startswith("zh") else "en-GB"

    # The whole document, in the PDF's order.

    def build(self) -> bytes:
        self._set_up_document()
        self._cover()
        self._contents()
        self._executive_summary()
        self._profile()
        if self.r.history:
            self._history()
        self._dimensions()
        if self.r.roadmap:
            self._roadmap()
        self._method()
        self._fill_contents()
        self._name_fonts_everywhere()
        output = io.BytesIO()
        self.document.save(output)
        return output.getvalue()

    # Set-up: page, styles, running header and footer, properties.

    def _set_up_document(self) -> None:
        document = self.document
        section = document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin, section.bottom_margin = Mm(22), Mm(20)
        section.different_first_page_header_footer = True  # the cover has neither
        styles = document.styles
        normal = styles["Normal"]
        normal.font.size = Pt(10)
        normal.font.color.rgb = INK
        normal.paragraph_format.space_after = Pt(4)
        normal.paragraph_format.line_spacing = 1.25
        for name, size in (("Title", 26), ("Heading 1", 16), ("Heading 2", 14), ("Heading 3", 11)):
            style = styles[name]
            style.font.size = Pt(size)
            style.font.bold = name != "Title"
            style.font.color.rgb = INK if name == "Title" else HEADING_INK
        properties = document.core_properties
        properties.title = self.r.document_title
        properties.subject = self.r.questionnaire_title
        properties.author = self.r.firm_name or self.r.prepared_by or self.r.organisation_name
        properties.keywords = f"{self.r.questionnaire_id} v{self.r.questionnaire_version}"
        properties.language = self.language
        properties.comments = ""
        header = section.header.paragraphs[0]
        self._muted(header.add_run(self.r.organisation_name))
        self._page_numbers(section.footer.paragraphs[0])
        self._update_fields_on_open()

    def _page_numbers(self, paragraph: Paragraph) -> None:
        """The footer's "Page 3 of 12": its numbers are Word's PAGE and NUMPAGES fields."""
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for piece in PAGE_PLACEHOLDER.split(_("Page %(page)s of %(pages)s")):
            if piece in ("page", "pages"):
                self._field(paragraph, "PAGE" if piece == "page" else "NUMPAGES", "1")
            elif piece:
                self._muted(paragraph.add_run(piece))

    def _update_fields_on_open(self) -> None:
        """Word fills in the contents and page numbers when it opens the file."""
        settings = self.document.settings.element
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        # Its place in the schema's order of settings: after w:hideGrammaticalErrors,
        # before the first of these that the settings part has.
        following = ("w:defaultTabStop", "w:characterSpacingControl", "w:compat", "w:rsids")
        for tag in following:
            found = settings.find(qn(tag))
            if found is not None:
                found.addprevious(update)
                return
        settings.append(update)

    def _field(self, paragraph: Paragraph, instruction: str, shown: str) -> None:
        """A Word field (a page number) showing ``shown`` until Word updates it."""
        self._field_start(paragraph, instruction)
        paragraph.add_run(shown)
        self._field_end(paragraph)

    @staticmethod
    def _field_start(paragraph: Paragraph, instruction: str) -> None:
        """The start of a field: what follows, up to its end, is its result until Word
        works it out anew."""
        for kind, text in (("begin", None), (None, instruction), ("separate", None)):
            run = paragraph.add_run()
            if kind:
                mark = OxmlElement("w:fldChar")
                mark.set(qn("w:fldCharType"), kind)
                if kind == "begin":
                    mark.set(qn("w:dirty"), "true")
                run._r.append(mark)
            else:
                code = OxmlElement("w:instrText")
                code.set(qn("xml:space"), "preserve")
                code.text = f" {text} "
                run._r.append(code)

    @staticmethod
    def _field_end(paragraph: Paragraph) -> None:
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        paragraph.add_run()._r.append(end)

    # Building blocks.

    def _muted(self, run: Run, size: float | None = None) -> Run:
        run.font.color.rgb = MUTED
        if size:
            run.font.size = Pt(size)
        return run

    def heading(self, text: str, level: int) -> Paragraph:
        return self.document.add_heading(text, level)

    def paragraph(self, text: str = "", *, muted: bool = False, size: float | None = None):
        paragraph = self.document.add_paragraph()
        if text:
            run = paragraph.add_run(text)
            if muted:
                self._muted(run, size or 9)
            elif size:
                run.font.size = Pt(size)
        return paragraph

    def labelled(self, label: str, text: str, *, muted_tail: str = "") -> Paragraph:
        """A paragraph that starts with a bold label."""
        paragraph = self.document.add_paragraph()
        paragraph.add_run(label).bold = True
        if text:
            paragraph.add_run(f" {text}")
        if muted_tail:
            self._muted(paragraph.add_run(f" {muted_tail}"))
        return paragraph

    def table(
        self,
        head: Sequence[str] | None,
        rows: Iterable[Sequence[str]],
        widths_mm: Sequence[float],
        *,
        bold_rows: Sequence[int] = (),
        size: float = 9,
    ) -> Table:
        """A Word table with a repeated heading row and the column widths given."""
        rows = [list(row) for row in rows]
        table = self.document.add_table(rows=len(rows) + (1 if head else 0), cols=len(widths_mm))
        table.style = "Table Grid" if head else None
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)  # the table's grid, which LibreOffice lays out by
        all_rows = ([list(head)] if head else []) + rows
        for row_number, (row, values) in enumerate(zip(table.rows, all_rows, strict=True)):
            is_head = bool(head) and row_number == 0
            if is_head:
                self._repeat_as_header(row)
            for cell, value, width in zip(row.cells, values, widths_mm, strict=True):
                cell.width = Mm(width)
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.space_after = Pt(0)
                run = paragraph.add_run(value)
                run.font.size = Pt(size)
                body_row = row_number - (1 if head else 0)
                run.bold = is_head or body_row in bold_rows
                if is_head:
                    self._shade(cell, "E8EDF3")
        self.document.add_paragraph().paragraph_format.space_after = Pt(0)
        return table

    @staticmethod
    def _repeat_as_header(row) -> None:
        properties = row._tr.get_or_add_trPr()
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        properties.append(header)

    @staticmethod
    def _shade(cell, fill: str) -> None:
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), fill)
        cell._tc.get_or_add_tcPr().append(shading)

    @staticmethod
    def _charts():
        """The PDF's chart macros (``templates/reports/charts.html``)."""
        return current_app.jinja_env.get_template("reports/charts.html").module

    def chart(self, svg: Markup, width_mm: float) -> None:
        """A chart the PDF draws as SVG, here as a PNG of 300 dots an inch."""
        pixels = round(width_mm / 25.4 * CHART_DPI)
        png = cairosvg.svg2png(bytestring=str(svg).encode(), output_width=pixels, unsafe=False)
        self.document.add_picture(io.BytesIO(png), width=Mm(width_mm))
        self.document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER

    def legend(self, keys: Iterable[tuple[str, str, str]]) -> None:
        """A line of keys: each a short line in its colour (``━━`` or ``╍╍``), then its name."""
        paragraph = self.document.add_paragraph()
        for mark, colour, label in keys:
            key = paragraph.add_run(mark)
            key.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())
            self._muted(paragraph.add_run(f" {label}  "), 8.5)

    def commentary(self, paragraphs: Iterable[str]) -> None:
        for text in paragraphs:
            paragraph = self.paragraph(text)
            paragraph.paragraph_format.left_indent = Mm(4)
            paragraph.runs[0].italic = True

    def page_break(self) -> None:
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # The cover and the contents.

    def _cover(self) -> None:
        r = self.r
        if self.logo is not None:
            self._logo()
        if r.firm_name:
            self.paragraph(r.firm_name, muted=True, size=11)
        version = _("Version %(version)s", version=r.questionnaire_version)
        self.paragraph(f"{r.questionnaire_title} · {version}", muted=True, size=10)
        self.document.add_paragraph(r.organisation_name, style="Title")
        self.paragraph(_("Maturity assessment report"), size=16)
        if r.organisation_details:
            self.paragraph(" · ".join(r.organisation_details), muted=True, size=10)
        facts = [(_("Assessment date"), r.assessment_date)]
        if r.respondent_name:
            facts.append((_("Answered by"), r.respondent_name))
        facts += [
            (_("Prepared by"), self._prepared_by()),
            (_("Report language"), r.language_name),
            (_("Generated on"), r.generated_date),
        ]
        self.paragraph()
        self.table(None, facts, (40, 120), size=10)

    def _prepared_by(self) -> str:
        r = self.r
        if r.prepared_by:
            return f"{r.prepared_by}, {r.firm_name}" if r.firm_name else r.prepared_by
        return r.firm_name or _(
            "The organisation itself (a self-assessment, not reviewed by a consultant)"
        )

    def _logo(self) -> None:
        """The consultant's logo, at most 40 mm wide and 18 mm tall (an SVG as a PNG)."""
        data = self.logo.read_bytes()
        if self.logo.suffix.lower() == ".svg":
            data = cairosvg.svg2png(bytestring=data, output_height=18 * 12, unsafe=False)
        self.document.add_picture(io.BytesIO(data), height=Mm(18))
        picture = self.document.inline_shapes[-1]
        if picture.width > Mm(40):
            ratio = Mm(40) / picture.width
            picture.width, picture.height = Mm(40), int(picture.height * ratio)

    def _contents(self) -> None:
        """Where Word's table of contents goes, filled in once the headings are known."""
        self.page_break()
        title = self.paragraph()
        run = title.add_run(_("Contents"))
        run.bold = True
        run.font.size = Pt(14)
        run.font.color.rgb = HEADING_INK
        self.contents_end = self.paragraph()
        self.document.add_section(WD_SECTION.NEW_PAGE)

    def _fill_contents(self) -> None:
        """Word's table of contents (a TOC field of headings 1 and 2), showing the headings
        until Word updates it with their page numbers when it opens the file (any other
        reader shows the headings as they are)."""
        styles = self.document.styles
        for level in (1, 2):
            style = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles["Normal"]
            style.paragraph_format.left_indent = Mm(6 * (level - 1))
            style.paragraph_format.space_after = Pt(2)
        entries = [  # by style id: a look-up by style name reads every style each time
            (paragraph.text, int(paragraph._p.style[-1]))
            for paragraph in self.document.paragraphs
            if paragraph._p.style in ("Heading1", "Heading2")
        ]
        lines = [
            self.contents_end.insert_paragraph_before(style=f"toc {level}")
            for _text, level in entries
        ]
        self._field_start(lines[0], 'TOC \\o "1-2" \\h \\z \\u')
        for line, (text, _level) in zip(lines, entries, strict=True):
            line.add_run(text)
        self._field_end(lines[-1])

    # The chapters.

    def _executive_summary(self) -> None:
        r, results = self.r, self.r.results
        self.heading(_("Executive summary"), 1)
        head = [_("Overall maturity index"), _("Strict level")] + [p.name for p in results.parts]
        values = [
            f"{or_dash(results.overall.index)} / 100",
            results.strict_level.name if results.strict_level else "—",
        ] + [or_dash(part.index) for part in results.parts]
        levels = [level_text(results.overall.level), level_text(results.strict_level)] + [
            level_text(part.level) for part in results.parts
        ]
        width = TEXT_WIDTH_MM / len(head)
        self.table(head, [values, levels], [width] * len(head), bold_rows=(0,), size=10)
        if results.overall.level:
            self.paragraph(results.overall.level.meaning)
        if results.overall.status == "partial":
            self.paragraph(
                _(
                    "Calculated without: %(names)s (insufficient data).",
                    names=", ".join(results.overall.excluded),
                ),
                muted=True,
            )
        strict, overall = results.strict_level, results.overall.level
        if strict and overall and strict.number < overall.number:
            self.paragraph(
                _(
                    "The strict level is below the overall level: at least one dimension "
                    "lags behind the average."
                ),
                muted=True,
            )
        if r.executive_summary:
            self.heading(_("Consultant's commentary"), 3)
            self.commentary(r.executive_summary)
        if r.top_gaps:
            self.heading(_("The three biggest gaps"), 3)
            for number, gap in enumerate(r.top_gaps, start=1):
                self.labelled(
                    f"{number}. {_('%(name)s:', name=gap.dimension_name)}",
                    gap.prompt,
                    muted_tail=_("(now at level %(number)s)", number=gap.level),
                )
        if r.next_steps:
            self.heading(_("The three most important next steps"), 3)
            for number, step in enumerate(r.next_steps, start=1):
                label = (
                    _(
                        "%(name)s → %(level)s:",
                        name=step.dimension_name,
                        level=level_text(step.next_level),
                    )
                    if step.next_level
                    else _("%(name)s:", name=step.dimension_name)
                )
                self.labelled(f"{number}. {label}", step.recommendation)

    def _profile(self) -> None:
        results = self.r.results
        self.heading(_("Maturity profile"), 1)
        self.chart(self._charts().radar(results.radar, _("insufficient data")), 120)
        if results.radar.targets:
            self.legend(
                [
                    ("━━", NOW_COLOUR, _("This assessment")),
                    ("╍╍", TARGET_COLOUR, _("Target levels (where set)")),
                ]
            )
        self.table(
            [_("Dimension"), _("Part"), _("Answered"), _("Index"), _("Level")],
            [
                [
                    card.name,
                    card.part,
                    f"{card.answered} / {card.questions}",
                    or_dash(card.index),
                    level_text(card.level),
                ]
                for card in results.dimensions
            ],
            (42, 30, 22, 16, 50),
        )
        self.paragraph(_("Level bands: %(bands)s.", bands=results.level_bands), muted=True)
        for crosswalk in results.crosswalks:
            self.heading(_("Read on %(framework)s", framework=crosswalk.name), 3)
            rows = [
                [
                    area.name,
                    f"{area.answered} / {area.questions}",
                    or_dash(area.index),
                    area.framework_level,
                ]
                for area in crosswalk.areas
            ]
            rows.append([_("Overall reading"), "", "", crosswalk.overall])
            self.table(
                [_("Capability area"), _("Answered"), _("Index"), _("Its level")],
                rows,
                (62, 22, 18, 58),
                bold_rows=(len(rows) - 1,),
            )
            self.paragraph(f"{crosswalk.note} {_('The method is in Appendix A.')}", muted=True)
        backed = results.evidence
        if backed:
            text = _(
                "How sure we are of the answers: %(count)s of the %(answered)s answers given "
                "with a level are backed by evidence; the consultant verified %(verified)s and "
                "challenged %(challenged)s.",
                count=backed.with_evidence,
                answered=backed.answered,
                verified=backed.verified,
                challenged=backed.challenged,
            )
            strict = (
                _(
                    "Read on verified answers only, the strict level is %(level)s.",
                    level=level_text(backed.verified_strict_level),
                )
                if backed.verified_strict_level
                else _("Too few answers are verified for a strict level on verified answers only.")
            )
            self.paragraph(f"{text} {strict}")

    def _history(self) -> None:
        history = self.r.history
        view = history.changes
        self.heading(_("Change over time"), 1)
        self.paragraph(
            _("The organisation's submitted assessments: %(dates)s.", dates=history.dates)
        )
        self.chart(self._charts().trend(history.chart), TEXT_WIDTH_MM)
        keys = [("━━", series.colour, series.label) for series in history.chart.series]
        if history.chart.break_note:
            keys.append(("╌╌", "#5a6675", history.chart.break_note))
        self.legend(keys)
        self.heading(
            _("Changes since the previous assessment (%(date)s)", date=history.previous_date), 3
        )
        if view.across_versions:
            self.paragraph(
                _(
                    "The previous assessment used version %(old)s of the questionnaire and this "
                    "one version %(new)s. Questions are matched as the newer version declares; "
                    "a dimension that changed too much is not compared.",
                    old=history.previous_version,
                    new=self.r.questionnaire_version,
                ),
                muted=True,
            )
        figures = [view.overall, *view.parts, *(row.figures for row in view.dimensions)]
        self.table(
            ["", _("Previous"), _("Now"), _("Change"), _("Level")],
            [
                [
                    row.name,
                    or_dash(row.old),
                    or_dash(row.new),
                    f"{row.delta}{'*' if row.partial else ''}"
                    if row.delta
                    else _("not comparable"),
                    f"{or_dash(row.old_level)} → {or_dash(row.new_level)}",
                ]
                for row in figures
            ],
            (52, 20, 20, 26, 42),
            bold_rows=(0,),
        )
        note = _("A change is the difference of the indices as shown.")
        if view.overall.partial:
            note += " * " + _("Includes dimensions that could not be compared like for like.")
        self.paragraph(note, muted=True)
        self.heading(_("What moved, question by question"), 3)
        self.paragraph(
            _(
                "For each dimension, the questions whose answers changed most, with their "
                "effect on the dimension's index; the effects add up to its change."
            ),
            muted=True,
        )
        rows, bold = [], []
        for row in view.dimensions:
            name = row.figures.name
            if not row.figures.delta and not row.figures.comparable:
                reasons = "; ".join(row.figures.reasons)
                name += " · " + _("Not comparable: %(reasons)s.", reasons=reasons)
            bold.append(len(rows))
            rows.append([row.figures.delta or "", name])
            for question in row.moved:
                rows.append(
                    [
                        or_dash(question.contribution),
                        f"{question.prompt}　{question.old_answer} → {question.new_answer}",
                    ]
                )
            if row.more_moved_count:
                more = ngettext(
                    "%(num)d more question moved",
                    "%(num)d more questions moved",
                    row.more_moved_count,
                )
                rows.append([or_dash(row.more_moved_contribution), more])
            if not row.moved:
                rows.append(["", _("No answer changed.")])
        self.table([_("Change"), _("Question")], rows, (18, 142), bold_rows=bold)

    def _dimensions(self) -> None:
        self.heading(_("Dimension by dimension"), 1)  # a chapter of the Word report only
        for section in self.r.sections:
            self._dimension(section)

    def _dimension(self, section) -> None:
        card = section.card
        self.heading(f"{section.number}. {card.name}", 2)
        self.paragraph(card.summary).runs[0].italic = True
        facts = self.paragraph()
        facts.add_run(f"{_('Index')} ")
        facts.add_run(f"{or_dash(card.index)}　{level_text(card.level)}").bold = True
        facts.add_run(f"　{_('Score')} ")
        facts.add_run(f"{or_dash(card.score)}{' / 5' if card.score else ''}").bold = True
        counts = " · ".join(
            (
                _(
                    "%(answered)s of %(total)s answered with a level",
                    answered=card.answered,
                    total=card.questions,
                ),
                _("%(count)s not applicable", count=card.not_applicable),
                _("%(count)s don't know", count=card.unknown),
            )
        )
        self._muted(facts.add_run(f"　{counts}"))
        if card.backing:
            backing = card.backing
            self.paragraph(
                _(
                    "Backed by evidence: %(count)s of %(answered)s · verified: %(verified)s · "
                    "challenged: %(challenged)s",
                    count=backing.with_evidence,
                    answered=backing.answered,
                    verified=backing.verified,
                    challenged=backing.challenged,
                ),
                muted=True,
            )
        if card.target:
            self._target(card.target)
        if card.level:
            self.paragraph(card.level.meaning)
        else:
            self.paragraph(
                _(
                    "Fewer than %(share)s of this dimension's questions were answered with a "
                    "level, so it has no score and is left out of the totals.",
                    share=self.r.min_answered_share,
                ),
                muted=True,
            )
        self._questions(section.questions)
        if section.consultant_note:
            self.heading(_("Consultant's note"), 3)
            self.commentary(section.consultant_note)
        if card.lowest:
            self.heading(_("Start with the weakest questions here:"), 3)
            for number, question in enumerate(card.lowest[:2], start=1):
                paragraph = self.labelled(
                    f"{number}.",
                    question.prompt,
                    muted_tail=_("(now at level %(number)s)", number=question.level),
                )
                if question.next_descriptor:
                    next_label = _("Next, level %(number)s:", number=question.level + 1)
                    paragraph.add_run(f" {next_label} {question.next_descriptor}")
        if card.recommendation or card.next_actions:
            self.heading(
                _(
                    "To reach level %(number)s, %(name)s:",
                    number=card.next_level.number,
                    name=card.next_level.name,
                )
                if card.next_level
                else _("To stay at the top:"),
                3,
            )
            for number, action in enumerate(card.next_actions, start=1):
                self.labelled(
                    f"{number}.",
                    action.do,
                    muted_tail=_(
                        "%(owner)s · %(horizon)s", owner=action.owner, horizon=action.horizon
                    ),
                )
            if not card.next_actions:
                self.paragraph(card.recommendation)

    def _target(self, target) -> None:
        paragraph = self.paragraph()
        paragraph.add_run(f"{_('Target:')} ")
        paragraph.add_run(level_text(target.level)).bold = True
        if target.due_on:
            paragraph.add_run(f"　{_('by %(date)s', date=format_date(target.due_on, 'long'))}")
        if target.reached:
            state = _("reached")
        elif target.points:
            state = _("%(points)s points to go", points=target.points)
        else:
            state = _("no score yet")
        paragraph.add_run(f"　{state}")

    def _questions(self, lines) -> None:
        """A table of the questions: number, question, the level reached (the PDF's bar,
        then the answer and that level's description for the question), weight."""
        table = self.table(
            ["", _("Question"), _("Answer"), _("Weight")],
            [[line.number, line.prompt, "", line.weight] for line in lines],
            (11, 63, 70, 16),
            size=8.5,
        )
        for row, line in zip(table.rows[1:], lines, strict=True):
            cell = row.cells[2].paragraphs[0]
            bar = self.static_folder / BAR_FOLDER / f"bar-{line.level or 0}.png"
            cell.add_run().add_picture(str(bar), width=Mm(16), height=Mm(2.4))
            answer = line.answer + (f" — {line.descriptor}" if line.descriptor else "")
            cell.add_run(f"  {answer}").font.size = Pt(8.5)
            if line.comment:
                comment = row.cells[2].add_paragraph()
                comment.paragraph_format.space_after = Pt(0)
                self._muted(comment.add_run(f"{_('Comment:')} {line.comment}"), 8)

    def _roadmap(self) -> None:
        roadmap = self.r.roadmap
        self.heading(_("Roadmap"), 1)
        self.paragraph(roadmap.summary)
        for quarter in roadmap.quarters:
            self.heading(quarter.title, 3)
            for line in quarter.lines:
                paragraph = self.labelled(f"{line.number}. {line.text}", "")
                if line.aim:
                    paragraph.add_run(f"\n{line.aim}")
                facts = [line.status]
                if line.owner:
                    facts.append(_("Owner: %(name)s", name=line.owner))
                if line.due:
                    facts.append(_("due by %(date)s", date=line.due))
                facts += [fact for fact in (line.dimension, line.outcome) if fact]
                self._muted(paragraph.add_run("\n" + " · ".join(facts)), 9)
                if line.note:
                    paragraph.add_run(f"\n{line.note}").italic = True
        self.paragraph(_("How the proposed steps were ranked: see Appendix A."), muted=True)

    def _method(self) -> None:
        r = self.r
        self.heading(_("Appendix A: How the scores are calculated"), 1)
        for text in r.results.method:
            self.paragraph(text)
        self.heading(_("The five maturity levels"), 3)
        self.table(
            None,
            [[f"{level.number} · {level.name}", level.meaning] for level in r.levels],
            (36, 124),
        )
        self.heading(_("Dimension weights"), 3)
        parts: dict[str, list[str]] = {}
        for name, part, weight in r.dimension_weights:
            parts.setdefault(part, []).append(f"{name} {weight}")
        for part, entries in parts.items():
            self.labelled(_("%(name)s:", name=part), " · ".join(entries))
        for crosswalk in r.results.crosswalks:
            self.heading(_("The reading on %(framework)s", framework=crosswalk.name), 3)
            self.paragraph(crosswalk.method)
            self.paragraph(
                f"{crosswalk.note} {_('Source: %(source)s', source=crosswalk.source)}", muted=True
            )
        if r.roadmap:
            self.heading(_("How the roadmap's steps are ranked"), 3)
            self.paragraph(r.roadmap.rule)

    # Fonts and language, on every style and run.

    def _name_fonts_everywhere(self) -> None:
        """Name the Latin and East Asian fonts, and the language, in every style and run:
        Word takes a run's East Asian font from its own properties first."""
        body = self.document.element.body
        parts = [body]
        for section in self.document.sections:
            parts += [section.header._element, section.footer._element]
        for style in self.document.styles:
            self._name_fonts(style.element.get_or_add_rPr())
        for part in parts:
            for run in part.iter(qn("w:r")):
                self._name_fonts(run.get_or_add_rPr())

    def _name_fonts(self, properties) -> None:
        fonts = properties.find(qn("w:rFonts"))
        if fonts is None:  # in its place: first, or after the run's style
            fonts = OxmlElement("w:rFonts")
            style = properties.find(qn("w:rStyle"))
            properties.insert(0 if style is None else 1, fonts)
        fonts.set(qn("w:ascii"), LATIN_FONT)
        fonts.set(qn("w:hAnsi"), LATIN_FONT)
        fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
        language = properties.find(qn("w:lang"))
        if language is None:  # last but three of the schema's run properties, none of
            language = OxmlElement("w:lang")  # which (East Asian layout, math) is used here
            properties.append(language)
        language.set(qn("w:val"), self.language)
        language.set(qn("w:eastAsia"), "zh-CN")


def report_docx(context: ReportContext, logo: Path | None, static_folder: Path) -> bytes:
    """The Word report of ``context`` (build it under the report's locale)."""
    return WordReport(context, logo, static_folder).build()
