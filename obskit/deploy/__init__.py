"""`obskit deploy`: the observability stack on Kubernetes through the Helm v4 SDK (helm-python-sdk).

chart.py renders and lints charts/obskit-stack; bundle.py copies the dashboards and rules builds into
it; profiles.py reads profiles/*.yaml; cluster.py talks to the Kubernetes API (kubernetes client);
preflight.py, plan.py (phases, rollback) and readiness.py decide what a deploy does; releases.py
drives Helm releases.
"""
