"""What the operating system said, in the reader's words: one sentence per `errno`, from our
catalogue rather than from the system's locale (which may be English, or absent on a school
machine). Every place where an `OSError` reaches a person words it with `os_error_text`."""

from __future__ import annotations

import errno

from tne.i18n import _


def os_error_text(problem: OSError) -> str:
    """`problem` as a short phrase (`fichier ou dossier introuvable`), for a sentence such as
    "Cannot read '{path}': {error}". Without a known `errno` the system's own words remain, and
    a code the catalogue does not know gives its number."""
    known = _by_errno().get(problem.errno) if problem.errno is not None else None
    if known is not None:
        return known
    if problem.errno is not None:
        return _("system error {number}").format(number=problem.errno)
    return str(problem)


def _by_errno() -> dict[int, str]:
    """Built on each call so that the language is the current one. Only the codes that exist on
    this system are keys (Windows lacks a few POSIX ones)."""
    phrases = {
        "ENOENT": _("no such file or folder"),
        "EACCES": _("permission denied"),
        "EPERM": _("operation not permitted"),
        "EISDIR": _("it is a folder"),
        "ENOTDIR": _("not a folder"),
        "EEXIST": _("it already exists"),
        "ENOTEMPTY": _("the folder is not empty"),
        "ENOSPC": _("no space left on the disk"),
        "EDQUOT": _("disk quota exceeded"),
        "EROFS": _("the disk is read-only"),
        "EBUSY": _("in use by another program"),
        "ETXTBSY": _("in use by another program"),
        "EIO": _("input/output error (the disk or the device may have been unplugged)"),
        "ENODEV": _("no such device (it may have been unplugged)"),
        "ENXIO": _("no such device (it may have been unplugged)"),
        "ENAMETOOLONG": _("the name is too long"),
        "EMFILE": _("too many open files"),
        "EFBIG": _("the file is too large"),
        "EXDEV": _("cannot move between two disks"),
        "EINVAL": _("invalid argument"),
        "EAGAIN": _("temporarily unavailable, try again"),
        "EPIPE": _("the other side has closed the connection"),
        "ETIMEDOUT": _("timed out"),
        "ECONNREFUSED": _("connection refused"),
        "ECONNRESET": _("connection reset by the other side"),
        "ECONNABORTED": _("connection aborted"),
        "EHOSTUNREACH": _("the computer cannot be reached"),
        "ENETUNREACH": _("the network cannot be reached"),
        "EADDRINUSE": _("the port is already in use"),
    }
    return {getattr(errno, name): text for name, text in phrases.items() if hasattr(errno, name)}


def unreadable(problem: OSError | UnicodeDecodeError) -> str:
    """Why a text file could not be read: the system's reason, or that it is not UTF-8 text."""
    if isinstance(problem, UnicodeDecodeError):
        return _("it is not UTF-8 text")
    return os_error_text(problem)
