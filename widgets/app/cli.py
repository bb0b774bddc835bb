"""``mlsd-workbook``: serve the workbook as Voila apps, open it in JupyterLab, export answers.

    mlsd-workbook [serve] [--port 8866] [--host 127.0.0.1] [--preheat N]   the apps, start page first
    mlsd-workbook lab [--port 8888]                           the same notebooks in JupyterLab
    mlsd-workbook export --participant NAME --question ID [--out DIR]
    mlsd-workbook export --group CODE [--out DIR]              a study group's whole session
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from widgets.practice.context import START_PAGE

DEFAULT_PORT = 8866
CULL_IDLE_SECONDS = 3600
#: Holds ``voila/templates/mlsd``: a Jupyter data folder the launcher adds to ``JUPYTER_PATH``.
TEMPLATES_ROOT = Path(__file__).resolve().parent / "_jupyter"
STOP_GRACE_SECONDS = 20


def notebooks_dir() -> Path:
    """The folder of the workbook's notebooks: the repository's, or the copy in a wheel."""
    package = Path(__file__).resolve().parents[1]   # widgets/, above app/
    for candidate in (package / "_notebooks", package.parent / "notebooks"):
        if (candidate / START_PAGE).is_file():
            return candidate
    raise SystemExit("mlsd-workbook: the notebooks folder was not found; reinstall the workbook.")


def check_port(host: str, port: int) -> str | None:
    """Return a message if ``host:port`` cannot be listened on, else ``None``."""
    if not 1 <= port <= 65535:
        return f"--port must be between 1 and 65535, got {port}."
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        # as the server itself does: only a listening socket makes the port busy, not a closed
        # connection of a previous run still in TIME_WAIT
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"Port {port} on {host} is already in use; choose another with --port."
            return f"Cannot listen on {host}:{port} ({exc.strerror or exc})."
    return None


def voila_command(folder: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                  theme: str = "light", preheat: int = 0) -> tuple[list[str], dict]:
    """The Voila command line and environment that serve the workbook (the tests use it too).

    The ``mlsd`` template (in ``widgets/app/_jupyter``, found through ``JUPYTER_PATH``) is Voila's lab
    template without its CDN links, so the pages request nothing from the internet. A page that is
    left (reloaded, navigated away, closed) shuts its kernel down; idle kernels are culled after an hour.

    Kernels: by default each page starts its kernel on request and Voila sends every cell's output
    as soon as it has run (progressive rendering), so the clock shows before the step's heavier
    tools are built. ``preheat=N`` keeps N kernels per notebook ready instead (Voila refuses the
    two together): each runs its whole notebook in the pool, and the page opens on the URL's
    question once the request arrives (:func:`widgets.practice.context.after_voila_request`).
    ``benchmarks/app_load.py`` measures both against an empty notebook on the same server.
    """
    if preheat < 0:
        raise ValueError("--preheat must be 0 or more kernels per notebook.")
    env = jupyter_env()
    command = [sys.executable, "-m", "voila", "--no-browser", f"--Voila.ip={host}", f"--port={port}",
               "--Voila.port_retries=0", "--template=mlsd", f"--theme={theme}",
               # any page can also be opened with ?theme=dark or ?theme=light; the links keep it
               "--VoilaConfiguration.allow_theme_override=YES",
               # the template turns any other ?theme= value into this one (widgets/app/_jupyter/.../index.html.j2)
               f"--VoilaConfiguration.resources={json.dumps({'mlsd_default_theme': theme})}",
               # the server's address lists the notebooks: the classic list is plain HTML, while the lab-style
               # one polls /api/kernels, which a Voila server does not have (a 404 in the console every time)
               "--VoilaConfiguration.classic_tree=True",
               # Voila 0.5 sends no _xsrf token with the page's kernel-shutdown POST (voila#1458), so with
               # the check on, every page left behind keeps its kernel. A Voila server has no login and
               # no cookies to protect, so the check guards nothing here.
               "--Voila.tornado_settings=disable_check_xsrf=True",
               # a backstop for tabs that vanish without saying goodbye (a paused clock sends nothing)
               f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
               "--MappingKernelManager.cull_interval=300"]
    if preheat:
        command += ["--preheat_kernel=True", f"--pool_size={preheat}"]
    else:
        command += ["--progressive_rendering=True"]
    command.append(str(folder))
    return command, env


def jupyter_env() -> dict:
    """This process's environment with the package's ``mlsd`` template first on ``JUPYTER_PATH`` (ahead of the copy
    an install puts in the environment's ``share/jupyter``, which may be older than a checkout's)."""
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATES_ROOT), env.get("JUPYTER_PATH", "")) if p)
    return env


def lab_command(folder: Path, port: int = 8888) -> tuple[list[str], dict]:
    """The JupyterLab command line and environment over the notebooks ``folder``.

    Lab's Voila button ("render as an app") serves a notebook through Voila's server extension with the
    workbook's template, as the install's ``etc/jupyter/voila.json`` also says for a plain ``jupyter lab``
    (Binder's).
    """
    command = [sys.executable, "-m", "jupyterlab", "--ServerApp.ip=127.0.0.1", f"--port={port}",
               "--ServerApp.port_retries=0", f"--ServerApp.root_dir={folder}", "--VoilaConfiguration.template=mlsd"]
    return command, jupyter_env()


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (the tests and benchmarks start their servers on one)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def stop_server(process: subprocess.Popen | None, grace: float = STOP_GRACE_SECONDS) -> None:
    """SIGTERM to this one process (Voila and JupyterLab then shut their kernels down); ``kill()``
    only if it has not exited ``grace`` seconds later."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _run_server(command: list[str], cwd: Path, env: dict | None = None) -> int:
    """Run a server in the foreground; Ctrl-C stops it (and so its kernels) cleanly."""
    child = subprocess.Popen(command, cwd=cwd, env=env)
    # A SIGTERM to this launcher (a service manager, a test) stops the server too, not only us.
    signal.signal(signal.SIGTERM, lambda *_: child.send_signal(signal.SIGTERM))
    try:
        return child.wait()
    except KeyboardInterrupt:
        stop_server(child)
        print("mlsd-workbook: stopped.")
        return 0


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def default_preheat(host: str) -> int:
    """Kernels per notebook to keep ready when ``--preheat`` is not given, from what ``benchmarks/app_load.py``
    measured on 2 cores (each figure against the cold empty notebook, the same run):

    - alone (served on this machine only): one preheated kernel per notebook opens every app in
      0.50-0.65x the time of a cold one, for about 1.6 GB of idle kernels;
    - a study group (``--host`` on a network): people open the same step together, and a pool of
      one serves only the first of them; the others wait for a cold kernel with no progressive
      rendering (10.6 s for step 4 against 4.2 s cold). So kernels start on request, with
      progressive rendering: every page shows its clock in about the same time.

    Examples
    --------
    >>> default_preheat("127.0.0.1"), default_preheat("0.0.0.0")
    (1, 0)
    """
    return 1 if host in LOCAL_HOSTS else 0


def serve(args) -> int:
    problem = check_port(args.host, args.port)
    if args.preheat is None:
        args.preheat = default_preheat(args.host)
    if args.preheat < 0:
        problem = "--preheat must be 0 or more kernels per notebook."
    if problem:
        print(f"mlsd-workbook: {problem}", file=sys.stderr)
        return 2
    folder = notebooks_dir()
    shown_host = args.host if args.host not in ("0.0.0.0", "::") else socket.gethostname()
    url = f"http://{shown_host}:{args.port}/voila/render/{START_PAGE}"
    print(f"MLSD Workbook: open {url}")
    if args.host not in LOCAL_HOSTS:
        print("Share that address with your study group. Anyone who can reach this machine on that "
              "port can use the apps and write answers: serve only on a network you trust.")
    print(f"{args.preheat} kernel(s) per notebook kept ready (--preheat N to change)." if args.preheat else
          "Each page starts its kernel when opened and shows its widgets as its cells run (--preheat N to keep "
          "kernels ready).")
    print("Press Ctrl-C to stop.")
    command, env = voila_command(folder, args.host, args.port, args.theme, args.preheat)
    return _run_server(command, folder, env)


def lab(args) -> int:
    problem = check_port("127.0.0.1", args.port)
    if problem:
        print(f"mlsd-workbook: {problem}", file=sys.stderr)
        return 2
    folder = notebooks_dir()
    command, env = lab_command(folder, args.port)
    return _run_server(command, folder, env)


def export(args) -> int:
    from widgets.practice.export import write_export, write_group_export
    from widgets.practice.group import GroupError, StudyGroups
    from widgets.practice.questions import UnknownQuestionError, load_bank
    from widgets.practice.store import AnswerStore, StoreError

    if args.group is None and (args.participant is None or args.question is None):
        print("mlsd-workbook: export needs --participant and --question (a practice session), "
              "or --group CODE (a study group).", file=sys.stderr)
        return 2
    try:
        if args.group is not None:
            store = AnswerStore(args.home)
            if store.notice:
                print(f"mlsd-workbook: {store.notice}", file=sys.stderr)
            paths = write_group_export(StudyGroups(store), args.group, args.out)
            for path in paths:
                print(path)
            return 0
        load_bank().get(args.question)
        store = AnswerStore(args.home)
        if store.notice:   # a damaged file set aside, a read-only file: say so before anything else
            print(f"mlsd-workbook: {store.notice}", file=sys.stderr)
        if not store.attempts(args.participant, args.question):
            known = ", ".join(sorted({p for p, q, _ in store.sessions() if q == args.question})) or "nobody yet"
            print(f"mlsd-workbook: {args.participant!r} has no answers to {args.question!r} "
                  f"(answered by: {known}).", file=sys.stderr)
            return 2
        paths = write_export(store, args.participant, args.question, args.out)
    except (UnknownQuestionError, StoreError, GroupError) as exc:
        print(f"mlsd-workbook: {exc}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mlsd-workbook", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    p_serve = sub.add_parser("serve", help="serve the notebooks as Voila apps (the default)")
    for p in (parser, p_serve):
        p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
        p.add_argument("--host", default="127.0.0.1",
                       help="address to listen on; 0.0.0.0 serves a study group on your network")
        p.add_argument("--theme", choices=["light", "dark"], default="light",
                       help="the apps' look (a page can also be opened with ?theme=dark)")
        p.add_argument("--preheat", type=int, default=None, metavar="N",
                       help="keep N kernels per notebook ready (default: 1 on 127.0.0.1; 0 with --host, where "
                            "pages start their kernel when opened and show each cell's output as it runs; "
                            "measured in benchmarks/app_load.py)")
    p_lab = sub.add_parser("lab", help="open the notebooks in JupyterLab")
    p_lab.add_argument("--port", type=int, default=8888)
    p_export = sub.add_parser("export", help="write a practice session or a study group as Markdown and JSON")
    p_export.add_argument("--participant", help="the display name used in the workbook")
    p_export.add_argument("--question", help="the question id, e.g. spotify-discover-weekly")
    p_export.add_argument("--group", help="a study group's code, e.g. K7QW2M: every member's answers and scores")
    p_export.add_argument("--out", default=".", help="folder to write the files to (default: here)")
    p_export.add_argument("--home", default=None, help="the store's folder (default: $MLSD_WORKBOOK_HOME)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "lab":
        return lab(args)
    if args.command == "export":
        return export(args)
    return serve(args)


if __name__ == "__main__":
    sys.exit(main())
