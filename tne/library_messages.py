"""Messages of click and typer that people see in `tne` (help panels, usage errors).

Those libraries translate through the stdlib's global gettext; `tne.i18n.install_for_libraries`
points it at our catalogue, and listing their message ids here puts them in it. Nothing calls
this module.
"""


def N_(message: str) -> str:  # noqa: N802 (the gettext convention for "mark, do not translate")
    return message


MESSAGES = [
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Arguments"),
    N_("Error"),
    N_("Error: {message}"),
    N_("Show this message and exit."),
    N_("Try '{command} {option}' for help."),
    N_("Try [blue]'{command_path} {help_option}'[/] for help."),
    N_("Missing argument"),
    N_("Missing command."),
    N_("No such option {name!r}."),
    N_("Missing parameter"),
    N_("Missing parameter: {param_name}"),
    N_("Invalid value: {message}"),
    N_("Missing option"),
    N_("No such command {name!r}."),
    N_("Invalid value for {param_hint}: {message}"),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("required"),
    N_("[default: {}]"),
    N_("[env var: {}]"),
    N_("[required]"),
    N_("Aborted!"),
    N_("Aborted."),
]
