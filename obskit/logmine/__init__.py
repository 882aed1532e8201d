"""Log template mining: group log messages that differ only in their variable parts.

Used by `obskit logs patterns` (cli/logs_cmd.py) and by investigate's log evidence
(investigate/log_templates.py); it depends on neither. `templates` is the entry point (`mine`, `TemplateMiner`).
"""
