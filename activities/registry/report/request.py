"""What a report covers, checked once: a project, a school, a call or the whole department, over
a period, with its suppression threshold."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tne.i18n import _

from .. import inputs
from ..errors import RegistryError
from ..uai import normalise_uai
from .suppression import DEFAULT_THRESHOLD


@dataclass(frozen=True)
class ReportRequest:
    """The scope (at most one of project, school and call; none means the department), the
    period (inclusive days; None means unbounded) and the threshold below which counts of
    pupils are hidden."""

    project: int | None = None
    school: str | None = None
    call: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    threshold: int = DEFAULT_THRESHOLD

    @property
    def scope(self) -> str:
        if self.project is not None:
            return "project"
        if self.school is not None:
            return "school"
        if self.call is not None:
            return "call"
        return "department"

    @classmethod
    def checked(
        cls,
        project: int | None = None,
        school: str | None = None,
        call: str | None = None,
        start: str | None = None,
        end: str | None = None,
        threshold: int = DEFAULT_THRESHOLD,
    ) -> ReportRequest:
        """From what people type, each refusal a French message."""
        if sum(x is not None for x in (project, school, call)) > 1:
            raise RegistryError(_("Choose one scope at most: --project, --school or --call."))
        first = inputs.day(start) if start is not None else None
        last = inputs.day(end) if end is not None else None
        if first and last and first > last:
            raise RegistryError(
                _("The period ends ({end}) before it starts ({start}).").format(
                    start=f"{first:%d/%m/%Y}", end=f"{last:%d/%m/%Y}"
                )
            )
        if threshold < 1 or threshold > 1000:
            raise RegistryError(
                _("The threshold must be between 1 and 1000, not {value}.").format(value=threshold)
            )
        return cls(
            project=inputs.positive(project, _("project's id")) if project is not None else None,
            school=normalise_uai(school) if school is not None else None,
            call=inputs.text(call, _("call for projects"), 200) if call is not None else None,
            start=first,
            end=last,
            threshold=threshold,
        )
