"""obskit: observability as code and incident investigation for microservices on Kubernetes."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("obskit")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"
