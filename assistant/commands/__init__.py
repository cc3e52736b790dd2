"""CLI handlers, one module per group of commands. Each handler takes (args, config) and returns an exit
status; `cli.HANDLERS` names them lazily so `assistant --help` stays fast."""
