"""Alerts and SLOs as code: rule model, SLO -> burn-rate rules, lint, emit, promtool tests, Alertmanager config."""
