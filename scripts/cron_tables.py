#!/usr/bin/env python3
"""Generates Tests/RosterEngineTests/Fixtures/cron_tables.json: next fire times computed by
croniter (PyPI), the reference RosterSync's CronExpression.nextFireTimes is tested against.

    pip install croniter
    python3 scripts/cron_tables.py

For every expression x zone x start it records the next COUNT times after the start, as ISO 8601
with the zone's offset. Starts are ordinary dates plus, for zones with DST, points around both
transitions (the day before at noon, 90 minutes before, 15 minutes after), so gaps and repeated
hours are crossed.

One deliberate difference from croniter, applied here explicitly (see fixed_time_fall_back):
classic cron fires a fixed-time job (one minute and one hour value, e.g. `30 1 * * *`) only once
on a fall-back day, at the first of the two repeated local times; croniter fires at both. Jobs
with several minute or hour values (ranges, steps, lists, `*`) keep croniter's two firings.

One croniter quirk is corrected, also explicitly (see both_passes): when clocks fall back by less
than an hour (Australia/Lord_Howe, 30 minutes), croniter 7.0.0 drops the second firing of some
repeated times of such jobs (`5/20 * * * *` fires at 01:45+11:00 but not at 01:45+10:30, while
`*/15 * * * *` fires at both 01:45s). RosterSync fires every repeated time of a non-fixed job in
both passes, as croniter does for one-hour fall-backs; the generator adds the dropped firings
(found with croniter.match over each repeated window) so the tables state that rule. It changes
nothing in the zones with one-hour changes.
"""
import json
from importlib import metadata
import pathlib
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from croniter import croniter

COUNT = 8
OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/RosterEngineTests/Fixtures/cron_tables.json"

EXPRESSIONS = [
    "* * * * *", "*/15 * * * *", "5/20 * * * *", "0 * * * *", "30 * * * *",
    "0 2 * * *", "30 1 * * *", "0 0 * * *", "30 2 * * *", "15 0 * * *", "45 23 * * *",
    "0,30 1,2 * * *", "*/30 * * * *", "30 0-3 * * *", "0 */2 * * *", "45 1-2 * * *",
    "0 9-17 * * 1-5", "0 22-2 * * *", "10,40 22-23/1 * * *",
    "0 12 * * MON", "0 8 * * mon-fri", "0 8 * * FRI-MON", "0 0 * * 7", "0 0 * * 0-7/2", "0 0 * * 1/2",
    "0 0 1,15 * *", "0 0 1 * MON", "0 0 */2 * MON", "0 0 13 * FRI", "0 0 29 2 *", "0 0 29 2 MON",
    "0 0 31 * *", "0 0 1 JAN,jul *", "0 6 1 NOV-FEB *", "59 23 31 12 *", "0 0 30-2 * *",
    "@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually",
]
# Expressions whose local times of day meet the DST transitions; the others only change by day.
TIME_OF_DAY = EXPRESSIONS[:EXPRESSIONS.index("0 12 * * MON")] + ["@hourly", "@daily", "@midnight"]

# Zone -> the year window in which to look for DST transitions (Sao Paulo has had none since 2019).
ZONES = {
    "UTC": None,
    "Asia/Kolkata": None,
    "America/New_York": (datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2027, 1, 1, tzinfo=timezone.utc)),
    "Europe/London": (datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2027, 1, 1, tzinfo=timezone.utc)),
    "Australia/Lord_Howe": (datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2027, 1, 1, tzinfo=timezone.utc)),
    "America/Sao_Paulo": (datetime(2018, 7, 1, tzinfo=timezone.utc), datetime(2019, 7, 1, tzinfo=timezone.utc)),
}

# Month ends and a leap day ahead; UTC also starts mid-month with seconds past the minute.
ORDINARY_STARTS = [datetime(2027, 2, 27, 23, 59)]
UTC_STARTS = [datetime(2026, 1, 15, 10, 7, 30)]


def transitions(zone, window):
    """UTC instants at which the zone's offset changes inside window (found to the minute)."""
    found = []
    instant, end = window
    step = timedelta(hours=1)
    while instant < end:
        if instant.astimezone(zone).utcoffset() != (instant + step).astimezone(zone).utcoffset():
            low, high = instant, instant + step
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset():
                    low = middle
                else:
                    high = middle
            found.append(high)
        instant += step
    return found


def starts(name):
    """(start, expressions) pairs: every expression from ordinary starts, time-of-day ones around DST."""
    zone = ZoneInfo(name)
    ordinary = ORDINARY_STARTS + (UTC_STARTS if name == "UTC" else [])
    result = [(local.replace(tzinfo=zone), EXPRESSIONS) for local in ordinary]
    if ZONES[name]:
        for change in transitions(zone, ZONES[name]):
            day_before = (change - timedelta(days=1)).astimezone(zone).replace(hour=12, minute=0)
            around = [day_before, (change - timedelta(minutes=90)).astimezone(zone), (change + timedelta(minutes=15)).astimezone(zone)]
            result += [(start, TIME_OF_DAY) for start in around]
    return result


def is_fixed_time(expression):
    minutes, hours = croniter(expression).expanded[:2]
    return len(minutes) == 1 and minutes[0] != "*" and len(hours) == 1 and hours[0] != "*"


def is_second_of_repeated(moment, zone):
    """True when moment's local time occurs twice (fall-back) and moment is the later one."""
    wall = moment.replace(tzinfo=None)
    first, second = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
    repeated = first.utcoffset() != second.utcoffset() and first.timestamp() < second.timestamp()
    return repeated and moment.timestamp() == second.timestamp()


def fixed_time_fall_back(expression, zone, times):
    """The deliberate difference: a fixed-time job skips the second of two repeated local times."""
    if not is_fixed_time(expression):
        return times
    return [moment for moment in times if not is_second_of_repeated(moment, zone)]


def fall_backs(name):
    """(instant, length) of each backward clock change in the zone's window."""
    zone, window = ZoneInfo(name), ZONES[name]
    result = []
    for change in transitions(zone, window) if window else []:
        before = (change - timedelta(minutes=1)).astimezone(zone).utcoffset()
        after = change.astimezone(zone).utcoffset()
        if after < before:
            result.append((change, before - after))
    return result


def both_passes(expression, name, start, times):
    """The quirk correction: a non-fixed job fires at both instants of every repeated local time
    it matches (only times up to the last one listed are added, so the list stays a prefix)."""
    if is_fixed_time(expression) or not times:
        return times
    zone, horizon = ZoneInfo(name), times[-1].timestamp()
    result = {moment.timestamp(): moment for moment in times}
    for change, length in fall_backs(name):
        instant = change - length
        while instant < change + length:
            local = instant.astimezone(zone)
            if start.timestamp() < instant.timestamp() <= horizon and croniter.match(expression, local.replace(tzinfo=None)):
                result.setdefault(instant.timestamp(), local)
            instant += timedelta(minutes=1)
    return [result[key] for key in sorted(result)]


def next_times(expression, name, start):
    zone = ZoneInfo(name)
    iterator = croniter(expression, start)
    times = [iterator.get_next(datetime) for _ in range(COUNT + 4)]
    return both_passes(expression, name, start, fixed_time_fall_back(expression, zone, times))[:COUNT]


def main():
    cases = []
    for name in ZONES:
        zone = ZoneInfo(name)
        for start, expressions in starts(name):
            for expression in expressions:
                times = next_times(expression, name, start)
                cases.append({
                    "expression": expression, "timeZone": name, "from": start.isoformat(),
                    "times": [moment.astimezone(zone).isoformat() for moment in times],
                })
    header = {"generator": "scripts/cron_tables.py", "croniter": metadata.version("croniter"), "count": COUNT}
    lines = [json.dumps(case) for case in cases]
    text = json.dumps(header)[:-1] + ', "cases": [\n' + ",\n".join(lines) + "\n]}\n"
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text)
    print(f"wrote {len(cases)} cases to {OUTPUT}")


if __name__ == "__main__":
    main()
