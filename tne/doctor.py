"""What `tne doctor` checks on a school computer, each check a plain `Check` (no printing here).

A classroom install fails in ways a teacher cannot see: the serial port refused because the
account is not in `dialout` (or is, but since before the last login), ModemManager or brltty
grabbing a freshly plugged board, kernels pointing at a Python that was removed, JupyterLab
without its French pack, no Pango for PDF, no Internet. Each check says what it found and, when
something is wrong, the exact fix, with who must do it (an administrator for system changes).

A `failure` blocks the main job (`tne doctor` exits with 1); a `warning` limits it (PDF export,
Bluetooth, a board grabbed now and then); `info` is what was seen.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from tne.i18n import _
from tne.os_errors import os_error_text

OK, INFO, WARNING, FAILURE = "ok", "info", "warning", "failure"
#: The distributions whose versions are shown (the first one is ours).
PACKAGES = ("tne-robotique", "jupyterlab", "ipykernel", "pyserial", "bleak")
LANGUAGE_PACK = "jupyterlab-language-pack-fr-FR"
KERNELS = ("tne-microbit", "tne-microbit-sim")
WIDGET_EXTENSIONS = ("@jupyter-widgets/jupyterlab-manager", "anywidget")
#: Processes that take serial ports away from us on Linux.
MODEM_MANAGER, BRLTTY = "ModemManager", "brltty"
NETWORK_PROBE = ("pypi.org", 443)
SETUP = "bash scripts/setup.sh"


@dataclass
class Check:
    topic: str  # stable identifier, for scripts (`--json`)
    status: str  # ok, info, warning or failure
    message: str  # what was found, for people
    fix: str = ""  # what to do about it, for people

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def python_check() -> Check:
    version = ".".join(str(part) for part in sys.version_info[:3])
    if sys.prefix == sys.base_prefix:
        return Check(
            "python",
            WARNING,
            _("Python {version} ({path}), outside a virtual environment.").format(
                version=version, path=sys.executable
            ),
            _("Install tne in its own environment, as its user: {command}").format(command=SETUP),
        )
    return Check(
        "python",
        OK,
        _("Python {version} in the virtual environment {path}.").format(
            version=version, path=sys.prefix
        ),
    )


def packages_check() -> Check:
    found, missing = [], []
    for name in PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            missing.append(name)
    if missing:
        return Check(
            "packages",
            FAILURE,
            _("Missing packages: {names}.").format(names=", ".join(missing)),
            _("Run the install again: {command}").format(command=SETUP),
        )
    return Check("packages", OK, ", ".join(found))


# -- serial ports ---------------------------------------------------------------------------


def serial_checks(ports: Iterable[str]) -> list[Check]:
    """Whether this account may open each port (Linux and macOS: the device file's group)."""
    checks = [_port_check(port) for port in ports]
    if not checks:
        return [Check("serial", INFO, _("No serial port with a board seen."))]
    return checks


def _port_check(port: str) -> Check:
    if sys.platform == "win32":
        return Check("serial", INFO, _("Port {port} seen.").format(port=port))
    flags = os.O_RDWR | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        os.close(os.open(port, flags))
    except PermissionError:
        return _permission_refused(port)
    except OSError as problem:
        return Check(
            "serial",
            WARNING,
            _("Port {port} cannot be opened: {error}.").format(
                port=port, error=os_error_text(problem)
            ),
            _("Close the program that uses the board (Thonny, Mu, another notebook)."),
        )
    return Check("serial", OK, _("Port {port}: this account may open it.").format(port=port))


def _permission_refused(port: str) -> Check:
    """The fix depends on whether the account is in the port's group already: then only the
    login session predates it (groups are read at login)."""
    import grp  # POSIX only, and only reached there
    import pwd

    group_id = os.stat(port).st_gid
    group = grp.getgrgid(group_id).gr_name
    user = pwd.getpwuid(os.getuid()).pw_name
    member = user in grp.getgrgid(group_id).gr_mem or pwd.getpwnam(user).pw_gid == group_id
    message = _("Port {port}: permission refused (the port belongs to the group {group}).").format(
        port=port, group=group
    )
    if member and group_id not in os.getgroups():
        fix = _(
            "The account {user} is in the group {group} since this session started: log out "
            "and log in again (or restart the computer)."
        ).format(user=user, group=group)
    else:
        fix = _(
            "An administrator runs: sudo usermod -aG {group} {user} ; then {user} logs out and "
            "logs in again."
        ).format(group=group, user=user)
    return Check("serial", FAILURE, message, fix)


def interference_checks(proc: Path = Path("/proc")) -> list[Check]:
    """ModemManager and brltty, which open serial ports they think are theirs (Linux only)."""
    if not sys.platform.startswith("linux"):
        return []
    running = _running_programs(proc)
    checks = []
    if MODEM_MANAGER in running:
        checks.append(
            Check(
                "modemmanager",
                WARNING,
                _("ModemManager is running: it may hold a board just plugged in."),
                _(
                    "If boards are often busy after being plugged in, an administrator runs: "
                    "sudo systemctl disable --now ModemManager"
                ),
            )
        )
    if BRLTTY in running or shutil.which(BRLTTY) or Path("/usr/bin/brltty").exists():
        checks.append(
            Check(
                "brltty",
                WARNING,
                _("brltty is installed: it takes CH340 USB-serial adapters (ESP32 boards)."),
                _(
                    "If no one uses a braille display here, an administrator runs: "
                    "sudo apt remove brltty"
                ),
            )
        )
    if not checks:
        checks.append(Check("interference", OK, _("Neither ModemManager nor brltty is running.")))
    return checks


def _running_programs(proc: Path) -> set[str]:
    names = set()
    for comm in proc.glob("[0-9]*/comm"):
        try:
            names.add(comm.read_text(encoding="utf-8", errors="replace").strip())
        except OSError:  # the process ended while we looked
            continue
    return names


# -- boards ---------------------------------------------------------------------------------


def board_check(address: str) -> Check:
    """The board answers the raw REPL, and which firmware it runs."""
    from device_bridge import Board
    from device_bridge.errors import BridgeError

    try:
        with Board.connect(address) as board:
            profile = board.profile
    except BridgeError as problem:
        return Check(
            "board",
            FAILURE,
            _("{address} does not answer: {error}").format(address=address, error=problem.message),
            _("Press the reset button on the back of the board, or unplug it and plug it in."),
        )
    firmware = profile.firmware if profile else "?"
    label = profile.label if profile else address
    return Check(
        "board",
        OK,
        _("{label} answers ({address}), firmware: {firmware}.").format(
            label=label, address=address, firmware=firmware
        ),
    )


def bluetooth_check(sys_class: Path = Path("/sys/class/bluetooth")) -> Check:
    try:
        import bleak  # noqa: F401
    except ImportError:
        return Check("bluetooth", WARNING, _("bleak is missing."), SETUP)
    if not sys.platform.startswith("linux"):
        return Check("bluetooth", INFO, _("Bluetooth: bleak is installed."))
    adapters = sorted(path.name for path in sys_class.glob("hci*"))
    if not adapters:
        return Check(
            "bluetooth",
            INFO,
            _("No Bluetooth adapter: Bluetooth boards cannot be used (USB boards can)."),
        )
    return Check(
        "bluetooth", OK, _("Bluetooth adapter: {names}.").format(names=", ".join(adapters))
    )


# -- Jupyter --------------------------------------------------------------------------------


def jupyter_checks() -> list[Check]:
    return [_jupyterlab_check(), _language_pack_check(), kernels_check(), _widgets_check()]


def _jupyterlab_check() -> Check:
    try:
        version = metadata.version("jupyterlab")
    except metadata.PackageNotFoundError:
        return Check("jupyterlab", FAILURE, _("JupyterLab is not installed."), SETUP)
    return Check("jupyterlab", OK, _("JupyterLab {version}.").format(version=version))


def _language_pack_check() -> Check:
    try:
        version = metadata.version(LANGUAGE_PACK)
    except metadata.PackageNotFoundError:
        return Check(
            "language-pack",
            FAILURE,
            _("JupyterLab's French language pack is missing: menus will be in English."),
            _("Run the install again ({command}), or: {python} -m pip install {package}").format(
                command=SETUP, python=sys.executable, package=LANGUAGE_PACK
            ),
        )
    return Check(
        "language-pack",
        OK,
        _("French language pack {version}.").format(version=version),
    )


def kernels_check() -> Check:
    """Both kernelspecs, each pointing at a Python that exists (a removed or moved environment
    leaves kernels that cannot start)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    missing, broken = [], []
    for name in KERNELS:
        try:
            spec = manager.get_kernel_spec(name)
        except NoSuchKernel:
            missing.append(name)
            continue
        program = spec.argv[0] if spec.argv else ""
        if not (Path(program).exists() or shutil.which(program)):
            broken.append(name)
    if missing or broken:
        problems = []
        if missing:
            problems.append(_("missing: {names}").format(names=", ".join(missing)))
        if broken:
            problems.append(
                _("pointing at a Python that no longer exists: {names}").format(
                    names=", ".join(broken)
                )
            )
        return Check(
            "kernels",
            FAILURE,
            _("micro:bit kernels {problems}.").format(problems="; ".join(problems)),
            _("Run: tne kernel install --user (tne lab does it at each start)."),
        )
    return Check("kernels", OK, _("Both micro:bit kernels are installed."))


def _widgets_check() -> Check:
    from jupyter_core.paths import jupyter_path

    folders = [Path(folder) for folder in jupyter_path("labextensions")]
    missing = [
        name
        for name in WIDGET_EXTENSIONS
        if not any((folder / name / "package.json").exists() for folder in folders)
    ]
    if missing:
        return Check(
            "widgets",
            FAILURE,
            _("JupyterLab extensions missing: {names} (no widgets in the notebooks).").format(
                names=", ".join(missing)
            ),
            _("Run the install again: {command}").format(command=SETUP),
        )
    return Check("widgets", OK, _("Widget extensions installed."))


# -- registry, PDF, network -----------------------------------------------------------------


def registry_check() -> Check:
    from sqlalchemy import text

    from activities.registry.database import make_engine, resolve_url, shown_url, sqlite_path

    url = resolve_url()
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return Check(
            "registry",
            INFO,
            _("Registry not created yet ({path}): tne registry init creates it.").format(path=path),
        )
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as problem:  # any driver's error: the doctor reports, never crashes
        return Check(
            "registry",
            FAILURE,
            _("The registry's database does not answer ({url}): {error}").format(
                url=shown_url(url), error=str(problem).splitlines()[0]
            ),
            _("Check the TNE_DB_URL variable, and that the database server is running."),
        )
    finally:
        engine.dispose()
    return Check("registry", OK, _("Registry: {url}.").format(url=shown_url(url)))


def pdf_check() -> Check:
    from tne.pdf import install_hint, unavailable_reason

    if unavailable_reason() is not None:
        return Check(
            "pdf", WARNING, _("PDF export unavailable (Pango library not found)."), install_hint()
        )
    return Check("pdf", OK, _("PDF export available."))


def network_check(
    probe: tuple[str, int] = NETWORK_PROBE, timeout: float = 2.0, environ: dict | None = None
) -> Check:
    """Online or not decides how to install and update; a proxy is reported, not tested."""
    environ = os.environ if environ is None else environ
    proxy = environ.get("HTTPS_PROXY") or environ.get("https_proxy")
    if proxy:
        return Check("network", INFO, _("Proxy configured: {proxy}.").format(proxy=proxy))
    try:
        socket.create_connection(probe, timeout=timeout).close()
    except OSError:
        return Check(
            "network",
            INFO,
            _("No Internet access ({host}): install and update from a USB key.").format(
                host=probe[0]
            ),
            _(
                "On a connected computer: python3 scripts/bundle.py FOLDER, then here: "
                "bash scripts/setup.sh --from FOLDER"
            ),
        )
    return Check("network", OK, _("Internet access ({host}).").format(host=probe[0]))


def run_checks(addresses: list[str] | None = None, ports: list[str] | None = None) -> list[Check]:
    """Every check, in the order a teacher reads them. `addresses`: boards to query (default:
    those plugged in); `ports`: serial ports whose permissions are checked (default: theirs)."""
    if addresses is None or ports is None:
        from device_bridge.discovery import find_devices

        found = [device for device in find_devices() if device.address.startswith("serial:")]
        if addresses is None:
            addresses = [device.address for device in found if not device.busy]
        if ports is None:
            ports = [
                device.address.removeprefix("serial:")
                for device in found
                if "://" not in device.address
            ]
    serial = serial_checks(ports or [])
    # A port this account may not open cannot be queried: its check already says why.
    pairs = zip(ports, serial, strict=True) if ports else []
    refused = {port for port, check in pairs if check.status == FAILURE}
    queried = [address for address in addresses if address.removeprefix("serial:") not in refused]
    steps: list[Callable[[], Check | list[Check]]] = [
        python_check,
        packages_check,
        lambda: serial,
        interference_checks,
        *[lambda address=address: board_check(address) for address in queried],
        bluetooth_check,
        jupyter_checks,
        registry_check,
        pdf_check,
        network_check,
    ]
    checks: list[Check] = []
    for step in steps:
        result = step()
        checks.extend(result if isinstance(result, list) else [result])
    return checks
