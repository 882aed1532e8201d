from __future__ import annotations

from pathlib import Path

import pytest

from obskit.config import REDACTED, Secret, effective_items, load_config
from obskit.errors import InputError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "obskit.yaml"
    path.write_text(text)
    return path


def test_defaults_without_file() -> None:
    loaded = load_config(None, env={})
    assert loaded.path is None
    assert loaded.config.prometheus.url is None
    assert loaded.config.elasticsearch.index == "logs-*"
    assert loaded.config.jaeger.api == "auto"
    assert loaded.config.prometheus.tls.insecure_skip_verify is False


def test_precedence_file_env_flag(tmp_path: Path) -> None:
    path = write(tmp_path, "prometheus:\n  url: http://file:9090\njaeger:\n  url: http://j:16686\n")
    env = {"OBSKIT_PROMETHEUS_URL": "http://env:9090"}
    loaded = load_config(path, env=env)
    assert loaded.config.prometheus.url == "http://env:9090"
    assert loaded.origins["prometheus.url"] == "env OBSKIT_PROMETHEUS_URL"
    assert loaded.origins["jaeger.url"] == f"file {path}"
    loaded = load_config(path, flags={"prometheus.url": "http://flag:9090"}, env=env)
    assert loaded.config.prometheus.url == "http://flag:9090"
    assert loaded.origins["prometheus.url"] == "flag"


def test_url_error_names_key_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "# c\nprometheus:\n  url: htp//x\n")
    with pytest.raises(InputError) as err:
        load_config(path, env={})
    assert f"{path}:3: prometheus.url: not a URL: 'htp//x'" in str(err.value)


def test_credentials_in_url_rejected_without_echo(tmp_path: Path) -> None:
    path = write(tmp_path, "grafana:\n  url: https://admin:CANARY-pw@g.example\n")
    with pytest.raises(InputError) as err:
        load_config(path, env={})
    assert "grafana.url" in str(err.value)
    assert "CANARY-pw" not in str(err.value)


@pytest.mark.parametrize("key", ["token", "api_key", "password", "bearer_token"])
def test_clear_text_secrets_rejected(tmp_path: Path, key: str) -> None:
    section = "grafana" if key == "token" else "elasticsearch:\n  auth"
    indent = "  " if key == "token" else "    "
    path = write(tmp_path, f"{section}:\n{indent}{key}: CANARY-x1\n")
    with pytest.raises(InputError) as err:
        load_config(path, env={})
    assert f"{key}_env" in str(err.value) and "CANARY-x1" not in str(err.value)


def test_secret_from_env_reference_and_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "pw"
    secret_file.write_text("CANARY-file\n")
    path = write(
        tmp_path,
        "elasticsearch:\n  urls: [https://es:9200]\n  auth:\n    username: elastic\n"
        f"    password_file: {secret_file}\nprometheus:\n  auth:\n    bearer_token_env: MY_TOKEN\n",
    )
    loaded = load_config(path, env={"MY_TOKEN": "CANARY-env"})
    es_pw = loaded.config.elasticsearch.auth.password
    assert isinstance(es_pw, Secret) and es_pw.reveal() == "CANARY-file"
    assert str(es_pw) == REDACTED and "CANARY" not in repr(es_pw)
    assert loaded.config.prometheus.auth.bearer_token.source == "env MY_TOKEN"
    rows = effective_items(loaded)
    text = repr(rows)
    assert "CANARY" not in text
    assert ("prometheus.auth.bearer_token", REDACTED, "env MY_TOKEN") in rows


def test_missing_secret_reference_fails_only_when_used(tmp_path: Path) -> None:
    """A CI job without the Grafana token can still build alerts: the error comes when the token is used."""
    path = write(tmp_path, "grafana:\n  token_env: NOPE_NOT_SET\nprometheus:\n  auth:\n    password_file: /nope/pw\n")
    loaded = load_config(path, env={})
    with pytest.raises(InputError, match=r"obskit.yaml:2: grafana.token_env: environment variable NOPE_NOT_SET"):
        loaded.config.grafana.token.reveal()
    with pytest.raises(InputError, match=r"obskit.yaml:5: prometheus.auth.password_file: cannot read secret file"):
        loaded.config.prometheus.auth.password.reveal()
    rows = {key: (value, source) for key, value, source in effective_items(loaded)}
    assert rows["grafana.token"] == ("(missing)", "env NOPE_NOT_SET: environment variable NOPE_NOT_SET is not set")


def test_well_known_env_secrets() -> None:
    loaded = load_config(
        None,
        env={"OBSKIT_GRAFANA_TOKEN": "CANARY-g", "OBSKIT_ELASTICSEARCH_API_KEY": "CANARY-e",
             "OBSKIT_ELASTICSEARCH_URL": "http://a:9200, http://b:9200"},
    )
    assert loaded.config.grafana.token.reveal() == "CANARY-g"
    assert loaded.config.elasticsearch.auth.api_key.source == "env OBSKIT_ELASTICSEARCH_API_KEY"
    assert loaded.config.elasticsearch.urls == ["http://a:9200", "http://b:9200"]
    assert {s.reveal() for s in loaded.config.secrets()} == {"CANARY-g", "CANARY-e"}


def test_services_and_type_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "services:\n  - name: checkout\n    namespace: shop\n  - namespace: x\n")
    with pytest.raises(InputError, match=r"obskit.yaml:4: services\[1\].name: Field required"):
        load_config(path, env={})
    path = write(tmp_path, "services:\n  - name: checkout\n    slos: [checkout-availability]\n")
    service = load_config(path, env={}).config.services[0]
    assert service.slos == ["checkout-availability"] and service.namespace is None


def test_top_level_not_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "- a\n- b\n")
    with pytest.raises(InputError, match="expected a mapping"):
        load_config(path, env={})


def test_missing_ca_file(tmp_path: Path) -> None:
    path = write(tmp_path, "prometheus:\n  url: https://p\n  tls:\n    ca_file: /nope/ca.pem\n")
    with pytest.raises(InputError, match=r"prometheus.tls.ca_file: CA file not found"):
        load_config(path, env={})


def test_demo_store_is_the_local_store_when_none_is_configured(tmp_path, monkeypatch) -> None:
    """After `make demo`, `investigate --local` and `local stats` find .demo/obskit.duckdb by themselves."""
    from pathlib import Path

    from obskit.config import load_config

    monkeypatch.chdir(tmp_path)
    assert load_config(None, env={}).config.local.db != Path(".demo/obskit.duckdb")  # no demo store yet
    (tmp_path / ".demo").mkdir()
    (tmp_path / ".demo" / "obskit.duckdb").write_bytes(b"")
    loaded = load_config(None, env={})
    assert loaded.config.local.db == Path(".demo/obskit.duckdb")
    assert "make demo" in loaded.origins["local.db"]
    # a store that is configured anywhere wins over the demo's
    assert load_config(None, env={"OBSKIT_LOCAL_DB": "/data/x.duckdb"}).config.local.db == Path("/data/x.duckdb")
    assert load_config(None, {"local.db": "/data/y.duckdb"}, env={}).config.local.db == Path("/data/y.duckdb")
    (tmp_path / "obskit.yaml").write_text("local:\n  db: /data/z.duckdb\n")
    assert load_config(None, env={}).config.local.db == Path("/data/z.duckdb")


def test_a_huge_config_is_refused_by_its_size_before_parsing(tmp_path: Path, monkeypatch) -> None:
    """A 20 MB obskit.yaml used to be parsed for half a minute before a YAML limit refused it; the size
    limit (limits.yaml config.max_bytes) is checked on the file before any parsing."""
    import obskit.config.loader as loader

    parsed: list[str] = []
    monkeypatch.setattr(loader.safeyaml, "load_all_nodes", lambda text, path: parsed.append(path) or [])
    path = tmp_path / "obskit.yaml"
    path.write_text("services:\n" + "  - name: svc\n" * 90_000)  # 1.2 MB of ordinary YAML
    with pytest.raises(InputError, match=r"obskit\.yaml: \d+ bytes is over the limit of 1048576 for a configuration"):
        load_config(path)
    assert parsed == []
    path.write_text("services:\n" + "  - name: svc\n" * 100)
    load_config(path)
    assert parsed == [str(path)]
