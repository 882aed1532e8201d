"""Generator: one service dashboard per `services:` entry of the repository's obskit.yaml.

With no obskit.yaml next to dashboards/, the example services (checkout, payments, catalog) are used so
a fresh checkout shows the result; put `services: []` in obskit.yaml to generate none.
"""

from pathlib import Path

from obskit.dashboards.builders import service_dashboards, services_from_config

CONFIG = Path(__file__).resolve().parents[2] / "obskit.yaml"

dashboards = service_dashboards(services_from_config(CONFIG))
