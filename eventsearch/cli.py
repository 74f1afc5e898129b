"""The ``eventsearch`` command: ``index`` (once, or ``--watch``), ``search`` and ``serve``."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventsearch.settings import BOOLEAN, BY_NAME, SettingError, Settings, shown_default
from indexer import store
from indexer.errors import IndexerError
from search.errors import SearchError
from search.params import QUERY, SEARCH_PARAMS, Param, parse_request

if TYPE_CHECKING:  # the heavy modules are imported by the commands that need them, so
    # that `serve`'s supervising process stays small (its workers import them anyway)
    from indexer.build import Report
    from indexer.workers import Progress
    from search.results import SearchResult

EXIT_USAGE = 2
KEEP_ALIVE_SECONDS = 5  # idle keep-alive connections are closed after this
MAX_CONNECTIONS = 1000  # per worker; past this uvicorn answers 503 rather than queueing
SHUTDOWN_SECONDS = 5  # on stop, workers finish the requests they hold for up to this
WATCH_INTERVAL = 60.0  # index --watch: seconds between polls of the archive
# The search parameters (search.params) are the search command's flags, the query its
# argument; a flag is --name, and also these names the command had first.
FLAG_ALIASES = {"per_page": ("--limit",)}
FLAG_PARAMS = tuple(p for p in SEARCH_PARAMS if p.name != QUERY.name)


def _progress_bar(enabled: bool) -> Callable[[int], Progress] | None:
    if not enabled:
        return None

    def start(total: int) -> Progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="day", file=sys.stderr, leave=False)

        def tick(n: int) -> None:
            bar.update(n)

        return tick

    return start


def _print_summary(report: Report) -> None:
    print(
        f"{report.mode}: {report.events:,} events from {report.pages:,} pages in "
        f"{report.days:,} days ({report.duplicates:,} duplicates merged, "
        f"{report.listing_only:,} listing-only, {len(report.skipped):,} skipped) "
        f"in {report.seconds:.1f}s -> {report.index}/{report.generation}"
        f"; {len(report.warnings):,} warnings (see --json)"
    )
    for item in report.skipped[:20]:
        print(f"  skipped {item['path']}: {item['reason']}")
    if len(report.skipped) > 20:
        print(f"  … and {len(report.skipped) - 20} more (see --json)")


def cmd_index(args: argparse.Namespace) -> int:
    from indexer.build import run

    if args.watch:
        return cmd_watch(args)
    settings = settings_of(args)
    report = run(
        settings.archive,
        settings.index,
        full=args.full,
        workers=args.workers,
        wait=args.wait,
        allow_shrink=args.allow_shrink,
        progress=_progress_bar(sys.stderr.isatty() and not args.json),
        quick=args.quick_scan,
    )
    published = _publish(settings.index, Path(args.publish), args.wait) if args.publish else None
    if args.json:
        print(json.dumps({**report.as_dict(), "published": published}, ensure_ascii=False))
    else:
        _print_summary(report)
        if published:
            print(published["message"])
    return 0


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM or SIGINT sets *stop*; a second one stops at once (KeyboardInterrupt).

    The signal may interrupt the main thread inside ``stop.wait()``, holding the Event's
    lock: setting it from the handler would wait for that lock forever (a watcher that
    ignored SIGTERM). So another thread sets it, and says so on stderr, once the
    interrupted frame lets go."""

    def stopping() -> None:
        stop.set()
        print(f"{_now()} stopping after the run in progress", file=sys.stderr, flush=True)

    def on_signal(number: int, frame: Any) -> None:
        if stop.is_set():  # asked twice: stop now (the run in progress is abandoned)
            raise KeyboardInterrupt
        threading.Thread(target=stopping, name="stop", daemon=True).start()

    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, on_signal)


def cmd_watch(args: argparse.Namespace) -> int:
    """``index --watch``: follow the archive (indexer.follow) until SIGTERM or SIGINT."""
    from indexer.follow import Published, follow

    settings = settings_of(args)
    stop = threading.Event()
    stop_on_signals(stop)

    def on_publish(done: Published) -> None:
        report = done.report
        published = (
            _publish(settings.index, Path(args.publish), args.wait) if args.publish else None
        )
        if args.json:
            record = {**report.as_dict(), "published": published, "lag": done.lag}
            print(json.dumps({"time": _now(), **record}, ensure_ascii=False), flush=True)
            return
        lag = f"{done.lag:.1f}s" if done.lag is not None else "n/a"
        print(
            f"{_now()} {report.mode}: {report.generation} live, {report.days_changed:,} days "
            f"changed, {report.days_deleted:,} deleted, {report.events:,} events "
            f"({len(report.skipped):,} pages skipped) in {report.seconds:.1f}s; lag {lag}"
            + (f"; {published['message']}" if published else ""),
            flush=True,
        )

    def on_error(exc: IndexerError) -> None:
        print(f"{_now()} eventsearch: error: {exc}; trying again", file=sys.stderr, flush=True)

    print(
        f"{_now()} watching {settings.archive} every {args.interval:g}s -> {settings.index}",
        file=sys.stderr,
        flush=True,
    )
    follow(
        settings.archive,
        settings.index,
        interval=args.interval,
        stop=stop,
        on_publish=on_publish,
        on_error=on_error,
        polls=args.max_polls,
        workers=args.workers,
        wait=args.wait,
        allow_shrink=args.allow_shrink,
    )
    return 0


def _publish(index: Path, target: Path, wait: float) -> dict[str, Any]:
    try:
        generation, copied = store.publish_to(index, target, wait)
    except OSError as exc:
        raise IndexerError(
            f"could not publish to {target}: {exc}; what it served before is unchanged"
        ) from exc
    verb = "published" if copied else "already serving"
    return {
        "target": str(target),
        "generation": generation.name,
        "copied": copied,
        "message": f"{target}: {verb} {generation.name}",
    }


def _print_results(result: SearchResult) -> None:
    if result.corrected_from:
        print(
            f"No results for {result.corrected_from!r}; showing results for {result.did_you_mean!r}"
        )
    elif result.did_you_mean:
        print(f"Did you mean: {result.did_you_mean}")
    if result.mode == "any":
        print("No event has all the words; showing events with any of them.")
    if found := result.date_suggestion:
        flags = f"--year {found.year}" + (f" --month {found.month}" if found.month else "")
        print(f"Only events of {found.month or found.year}? search {found.query!r} {flags}")
    stories = f" in {result.total:,} stories" if result.request.group else ""
    print(f"{result.events:,} events{stories} ({result.took_ms:.1f} ms)")
    for number, hit in enumerate(result.hits, start=result.request.offset + 1):
        event = hit.event
        story = f" [{event.story}]" if event.story else ""
        print(f"{number:>3}. {event.date}{story} {event.title}")
        more = f"  (+{hit.group.more} more in this story)" if hit.group and hit.group.more else ""
        print(f"     {event.id}{more}")


def cmd_search(args: argparse.Namespace) -> int:
    from search.service import Search

    params = [(QUERY.name, args.query)]
    for param in FLAG_PARAMS:
        given = getattr(args, param.name)
        params += [(param.name, v) for v in (given if param.repeated else [given]) if v is not None]
    with Search(settings_of(args).index) as service:
        result = service.search(parse_request(params))
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        _print_results(result)
    return 0


def _param_type(param: Param) -> Callable[[str], str]:
    """Checks a flag's text as the search will, so the error names the flag."""

    def check(text: str) -> str:
        try:
            param.parse(text)
        except SearchError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return text  # parsed again, with the other flags, by parse_request

    return check


def _param_help(param: Param) -> str:
    notes = [f"{param.low} to {param.high}"] if param.kind is int else []
    notes += ["repeat for several"] if param.repeated else []
    notes += [f"default {param.shown_default}"] if param.shown_default is not None else []
    return f"{param.help} ({'; '.join(notes)})" if notes else param.help


def add_search_flags(parser: argparse.ArgumentParser) -> None:
    """A flag per search parameter but the query: help and checks from its declaration."""
    for param in FLAG_PARAMS:
        flags = ("--" + param.name.replace("_", "-"), *FLAG_ALIASES.get(param.name, ()))
        parser.add_argument(
            *flags,
            dest=param.name,
            action="append" if param.repeated else "store",
            default=[] if param.repeated else None,
            type=_param_type(param),
            metavar="YYYY-MM-DD" if param.kind is dt.date else None,
            choices=param.choices or (("0", "1") if param.kind is bool else None),
            help=_param_help(param).replace("%", "%%"),  # argparse formats it
        )


def _log_config(level: str) -> dict[str, Any]:
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["eventsearch"] = {
        "handlers": ["default"],
        "level": level.upper(),
        "propagate": False,
    }
    return config


def cmd_serve(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    if not settings.read_only and store.needs_rebuild(settings.index):
        from indexer.build import run

        print(
            f"No current index at {settings.index}: indexing {settings.archive} first.",
            file=sys.stderr,
        )
        report = run(settings.archive, settings.index, progress=_progress_bar(sys.stderr.isatty()))
        _print_summary(report)
    os.environ.update(settings.environ())  # worker processes read settings from here
    generation = store.current_generation(settings.index)
    serving = "no index yet: /healthz answers 503 until one is published"
    if generation is not None:
        events = store.read_summary(generation).events
        serving = f"{generation.name}, {events:,} events"
    print(
        f"eventsearch: serving {settings.index} ({serving}) at "
        f"http://{settings.host}:{settings.port}/ with {settings.workers} "
        f"worker{'s' if settings.workers > 1 else ''}",
        flush=True,
    )
    with _shared_rate_limit(settings.rate_limit):
        _run_uvicorn(settings)
    return 0


@contextlib.contextmanager
def _shared_rate_limit(rate: int) -> Iterator[None]:
    """One table of token buckets for all workers (see web.limits), removed on exit."""
    if not rate:
        yield
        return
    from web import limits

    table = limits.create_table()
    os.environ[limits.FILE_ENV] = str(table)  # worker processes inherit it
    try:
        yield
    finally:
        os.environ.pop(limits.FILE_ENV, None)
        table.unlink(missing_ok=True)


def _run_uvicorn(settings: Settings) -> None:
    import uvicorn

    uvicorn.run(
        "web.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        access_log=False,  # web.middleware.RequestLog writes one line per request, with time
        log_config=_log_config(settings.log_level),
        log_level=settings.log_level,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        limit_concurrency=MAX_CONNECTIONS,
        timeout_graceful_shutdown=SHUTDOWN_SECONDS,
        http="web.server:NoDelayHttpProtocol",
    )


def settings_of(args: argparse.Namespace) -> Settings:
    """Every setting: the command's flags, then the environment, then the defaults."""
    return Settings.load(**{name: getattr(args, name) for name in args.setting_flags})


def _flag_type(name: str) -> Callable[[str], str]:
    """Checks a flag's text with its setting's cast, so the error names the flag."""
    setting = BY_NAME[name]

    def check(text: str) -> str:
        try:
            setting.cast.parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{text!r} {exc}") from None
        return text  # cast again, with the environment, by Settings.load

    return check


def _setting_argument(name: str) -> dict[str, Any]:
    """``add_argument`` options of the setting *name*: help, check or on/off switch."""
    setting = BY_NAME[name]
    help_text = f"{setting.help} (env {setting.env}; default {shown_default(setting)})"
    options: dict[str, Any] = {"help": help_text.replace("%", "%%")}  # argparse formats it
    if setting.cast is BOOLEAN:
        options["action"] = argparse.BooleanOptionalAction  # --read-only / --no-read-only
    else:
        options["type"] = _flag_type(name)
    return options


def add_setting_flags(
    parser: argparse.ArgumentParser, *names: str, positional: tuple[str, ...] = ()
) -> None:
    """A ``--flag`` per setting in *names*, an optional positional argument per setting
    in *positional*; help and checks derived from SETTINGS, read by :func:`settings_of`."""
    for name in positional:
        parser.add_argument(name, nargs="?", **_setting_argument(name))
    for name in names:
        parser.add_argument(BY_NAME[name].flag, dest=name, **_setting_argument(name))
    parser.set_defaults(setting_flags=(*positional, *names))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eventsearch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    index = sub.add_parser("index", help="build or update the index of an archive")
    add_setting_flags(index, "index", positional=("archive",))
    index.add_argument("--json", action="store_true", help="print the summary as JSON")
    index.add_argument("--full", action="store_true", help="rebuild from scratch")
    index.add_argument(
        "--workers",
        type=int,
        default=None,
        help=f"indexing processes (default: one per core; {BY_NAME['workers'].env} is serve's)",
    )
    index.add_argument(
        "--wait", type=float, default=0.0, help="seconds to wait for another run holding the index"
    )
    index.add_argument(
        "--allow-shrink",
        action="store_true",
        help="publish even if the archive lost more than half its events (or all of them)",
    )
    index.add_argument(
        "--publish",
        metavar="DIR",
        help="then publish the new index into DIR, the index directory replicas serve",
    )
    index.add_argument(
        "--quick-scan",
        action="store_true",
        help="list only day folders whose mtime changed (misses a page rewritten in place)",
    )
    index.add_argument(
        "--watch",
        action="store_true",
        help="keep running: poll the archive and publish each change (stop: SIGTERM, Ctrl-C)",
    )
    index.add_argument(
        "--interval",
        type=float,
        default=WATCH_INTERVAL,
        metavar="SECONDS",
        help=f"with --watch, seconds between polls (default {WATCH_INTERVAL:g})",
    )
    index.add_argument(
        "--max-polls",
        type=int,
        default=None,
        metavar="N",
        help="with --watch, stop after N polls (default: run until stopped)",
    )
    index.set_defaults(func=cmd_index)

    search = sub.add_parser("search", help="search an index")
    search.add_argument("query", help='query, e.g. \'"air strike" context:"Syrian Civil War"\'')
    add_setting_flags(search, "index")
    search.add_argument("--json", action="store_true", help="print the result as JSON")
    add_search_flags(search)
    search.set_defaults(func=cmd_search)

    serve = sub.add_parser("serve", help="serve the web site, OpenSearch and the JSON API")
    add_setting_flags(
        serve, "index", "archive", "host", "port", "workers", "forwarded_allow_ips", "read_only"
    )
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except (IndexerError, SearchError, SettingError) as exc:
        print(f"eventsearch: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("eventsearch: interrupted; the previous index is untouched", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `eventsearch search … | head` stopped reading: not an error
        # Python would report the failed flush of stdout at exit; give it nowhere to go.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code


if __name__ == "__main__":
    raise SystemExit(main())
