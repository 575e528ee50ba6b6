"""Briefs on a schedule: at set KST times, `minsim run` writes the brief of the hours before.

At each time of `[brief] at`, the brief (minsim.brief) of the `[brief] hours` up to that time,
for the `[brief] companies` (all when none) and with the watched words of `[surges] watch`, is
written as a Markdown file into `[brief] folder` and posted to the webhook whose URL is in the
environment variable named by `[brief] webhook_env` (`{"text": <the brief>, "brief": {...}}`);
at least one of the two must be set. The period ends at the time due, not when the job ran: a
brief held up behind a long collection run covers the same hours. The database records the
last brief delivered at each time of day, so one that fell due while `minsim run` was stopped
is written when it starts again. A brief that cannot be written or read is logged and
collecting goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Engine

from collectors.http import HttpLimits, RetryPolicy
from minsim import aggregate, store
from minsim.brief import FILE_PREFIX, TIME_FORMAT, Period, file_name, write_brief
from minsim.errors import MinsimError
from minsim.files import PARTIAL_SUFFIX, write_whole
from minsim.settings import BriefSettings
from minsim.timefmt import KST
from minsim.webhook import (
    DRAIN_SECONDS,
    RESENT_AFTER_RUN,
    WEBHOOK_LIMITS,
    WEBHOOK_POLICY,
    WebhookSender,
)

log = logging.getLogger(__name__)

# What messages call the brief's webhook instead of its URL.
BRIEF_WEBHOOK_LABEL = "brief webhook"


class BriefSettingError(MinsimError):
    """`[brief]` asks for briefs that cannot be delivered."""


def last_due(at: time, now: datetime) -> datetime:
    """The latest moment at or before `now` whose KST time of day is `at`."""
    local = now.astimezone(KST)
    due = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return due if due <= local else due - timedelta(days=1)


def check_delivery(settings: BriefSettings, webhook: str | None) -> None:
    """Refuse briefs asked for with neither a folder nor a webhook to deliver them to, and a
    folder that cannot be made; a partial file a killed process left there is removed."""
    if not settings.at:
        return
    if not settings.folder and not webhook:
        raise BriefSettingError(
            "[brief] at is set but the briefs have nowhere to go: set [brief] folder, or "
            f"the webhook URL in the environment variable {settings.webhook_env}"
        )
    if settings.folder is None:
        return
    try:
        settings.folder.mkdir(parents=True, exist_ok=True)
        for partial in settings.folder.glob(f"{FILE_PREFIX}*{PARTIAL_SUFFIX}"):
            partial.unlink(missing_ok=True)
    except OSError as exc:
        raise BriefSettingError(
            f"[brief] folder {settings.folder}: cannot make it: {exc.strerror}"
        ) from None


class BriefSchedule:
    """Writes and posts the brief due at one of `settings.at` (`write`); `times` are what the
    scheduler runs it at. Refuses, when made, settings whose briefs would go nowhere, companies
    the database does not hold and a folder that cannot be made."""

    def __init__(
        self,
        engine: Engine,
        settings: BriefSettings,
        *,
        webhook: str | None,
        watch: tuple[str, ...] = (),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        policy: RetryPolicy = WEBHOOK_POLICY,
        limits: HttpLimits = WEBHOOK_LIMITS,
        resent: str = RESENT_AFTER_RUN,
    ) -> None:
        """`resent` says, for the log, when failed posts go out again (`resend_failed`)."""
        check_delivery(settings, webhook)  # again: a BriefSchedule may be made without the CLI
        known = aggregate.company_names(engine)
        unknown = [company for company in settings.companies if company not in known]
        if unknown:
            raise BriefSettingError(
                f"[brief] companies: unknown company {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known)) or 'none'}"
            )
        self._engine, self._settings, self._watch, self._clock = engine, settings, watch, clock
        self._sender = (
            WebhookSender(webhook, BRIEF_WEBHOOK_LABEL, policy, limits, resent) if webhook else None
        )

    @property
    def times(self) -> tuple[time, ...]:
        return self._settings.at

    def describe(self) -> str:
        """'the brief of the last 24 hours at 08:00, 18:00 KST, into /srv/briefs and to the
        webhook in MINSIM_BRIEF_WEBHOOK'."""
        places = [f"into {self._settings.folder}"] if self._settings.folder else []
        if self._sender is not None:
            places.append(f"to the webhook in {self._settings.webhook_env}")
        whose = f" about {', '.join(self._settings.companies)}" if self._settings.companies else ""
        return (
            f"the brief of the last {self._settings.hours} hours{whose} at "
            f"{', '.join(f'{at:%H:%M}' for at in self.times)} KST, {' and '.join(places)}"
        )

    def missed_while_stopped(self, at: time, started: datetime) -> datetime | None:
        """When the brief due at `at` last fell due before `started` and the database records
        an earlier one delivered at that time of day, or the folder holds the file of the day
        before (briefs were being delivered, then collecting stopped): the time it was due. None
        otherwise: at a first start, when its
        file is in the folder already (written by hand with `minsim brief --until`), and when
        the record cannot be read (said in the log: collecting must start anyway)."""
        due = last_due(at, self._clock())
        if due >= started:
            return None
        try:
            last = store.last_briefs(self._engine).get(f"{at:%H:%M}")
        except MinsimError as exc:
            log.warning("brief at %s: cannot tell whether one was missed: %s", f"{at:%H:%M}", exc)
            return None
        if last is None:
            last = self._written_the_day_before(due)
        if last is None or last >= due:
            return None
        folder = self._settings.folder
        if folder is not None and (folder / file_name(self._period(due))).exists():
            return None
        return due

    def _written_the_day_before(self, due: datetime) -> datetime | None:
        """When the folder holds the brief due a day before `due` (briefs were written before
        the database recorded them: a database from before migration 7, or one made anew), the
        time that one was due; None otherwise."""
        folder, before = self._settings.folder, due - timedelta(days=1)
        if folder is not None and (folder / file_name(self._period(before))).exists():
            return before
        return None

    def _period(self, due: datetime) -> Period:
        return Period(due - timedelta(hours=self._settings.hours), due)

    def write(self, at: time, due: datetime | None = None) -> str:
        """Write (and post) the brief due at `at` o'clock, last due now unless `due` names the
        time (a brief caught up); returns what was done. A file that cannot be written is
        logged, and the post still goes out."""
        period = self._period(due or last_due(at, self._clock()))
        text = write_brief(
            self._engine,
            aggregate.Filters(companies=self._settings.companies),
            period,
            version=aggregate.latest_scorer_version(self._engine),
            watch=self._watch,
        )
        done = []
        if self._settings.folder is not None:
            path = self._settings.folder / file_name(period)
            try:
                write_whole(path, text)
            except OSError as exc:
                log.warning("brief: cannot write %s: %s", path, exc.strerror)
            else:
                done.append(f"written to {path}")
                self._remember(at, period.end)
        if self._sender is not None:
            # Without the file, the brief is delivered once the post went out: one still
            # waiting when collecting stops is not recorded, so the next start can owe it. The
            # record is then written from the sender's thread, beside any collection run: on
            # SQLite it waits for that run's write transaction (busy timeout), which delays
            # only the next post.
            remember = None if done else partial(self._remember, at, period.end)
            self._sender.send({"text": text, "brief": self._record(period)}, remember)
            done.append(f"posted to the {BRIEF_WEBHOOK_LABEL}")
        span = f"{period.start:{TIME_FORMAT}} ~ {period.end:{TIME_FORMAT}} KST"
        return f"brief of {span}: {', '.join(done) or 'not delivered'}"

    def _remember(self, at: time, due: datetime) -> None:
        """Record the brief delivered (its file written, or else its post sent); a record that
        cannot be written is logged: the brief went out, and at worst a restart writes it
        again."""
        try:
            store.record_brief(self._engine, at, due)
        except MinsimError as exc:
            log.warning("brief at %s: delivered, but not recorded: %s", f"{at:%H:%M}", exc)

    def _record(self, period: Period) -> dict[str, Any]:
        return {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "hours": self._settings.hours,
            "companies": list(self._settings.companies),
        }

    def resend_failed(self) -> None:
        """After a collection run (every few minutes when nothing is collected): posts that
        failed for a reason that may pass go out again."""
        if self._sender is not None:
            self._sender.resend_failed()

    def drain(self, timeout: float = DRAIN_SECONDS) -> bool:
        """Wait up to `timeout` seconds for the posts going out; True once all were tried."""
        return self._sender is None or self._sender.drain(timeout)

    def close(self, timeout: float = DRAIN_SECONDS) -> None:
        """At the end of collecting: give posts still going out `timeout` seconds."""
        if self._sender is not None:
            self._sender.close(timeout)
