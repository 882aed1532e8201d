"""Grouping Accuracy of `obskit logs patterns`' miner on generated log sets with known templates.

    python benchmarks/logs_synthetic_ga.py [--seeds 1 2 3] [--lines 2000] [--write DIR]

A held-out check in shapes unlike the Loghub sets the miner was developed on: sshd authentication lines
(user names, addresses, host names), Windows-service-manager-like events (service and client names),
kernel messages (process names, devices), a desktop proxy (application and host names), a mobile app
(packages, tags, actions) and a batch scheduler (users, queues, partitions). Every template, value pool and
line is invented here. Many variables carry no digit (names drawn from pools of 3 to several hundred values,
Zipf-distributed, so some recur and some are seen once); words of an enumeration (`running` / `stopped`,
`HTTPS` / `SOCKS5`) are separate templates, as in the Loghub labels. Template frequencies are
Zipf-distributed too, so some templates have a handful of lines.

GA is computed in-process for the batch miner (`mine`), the online miner and, when importable, drain3 with
defaults. `--write DIR` also writes each set in the Loghub-2k CSV shape (`DIR/<set>/<set>_2k.log_structured.csv`,
columns Content and EventId) so `ga.py --root DIR` can score the CLI.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from logs_patterns import grouping_accuracy, run_drain3, run_obskit, run_online  # noqa: E402

_SYLLABLES = ["ka", "lo", "mi", "ren", "tas", "vu", "bor", "chi", "del", "fen", "gus", "han", "jo", "kel", "mar",
              "nik", "os", "pra", "quin", "sol", "tam", "ul", "ve", "wil", "xan", "yor", "zel", "an", "be", "dru"]
_SERVICE_ACCOUNTS = ["admin", "root", "guest", "backup", "deploy", "nagios", "postgres", "oracle", "ftpuser",
                     "support", "operator", "jenkins", "ubuntu", "pi", "git", "test"]
_WORDS = ["amber", "birch", "cedar", "delta", "ember", "fjord", "garnet", "harbor", "iris", "juniper", "kestrel",
          "lumen", "meadow", "nimbus", "onyx", "prairie", "quartz", "raven", "sierra", "tundra", "umber", "vale",
          "willow", "yarrow", "zephyr"]


class Pools:
    """Value pools of one generated set: names drawn Zipf-like, so a few recur often and many are rare."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd
        self._pools: dict[str, list[str]] = {}

    def name(self, parts: int = 2) -> str:
        return "".join(self.rnd.choice(_SYLLABLES) for _ in range(parts))

    def pool(self, key: str, size: int, make: Callable[[], str]) -> list[str]:
        if key not in self._pools:
            seen: dict[str, None] = {}
            while len(seen) < size:
                seen[make()] = None
            self._pools[key] = list(seen)
        return self._pools[key]

    def draw(self, key: str, size: int, make: Callable[[], str]) -> str:
        pool = self.pool(key, size, make)
        # Zipf-like: rank r drawn with weight 1 / (r + 1)
        return self.rnd.choices(pool, weights=[1 / (r + 1) for r in range(len(pool))])[0]

    # variables shared by the sets
    def user(self) -> str:
        return self.draw("user", 300, lambda: self.rnd.choice(_SERVICE_ACCOUNTS) if self.rnd.random() < 0.2
                         else self.name(self.rnd.randint(2, 3)))

    def host(self) -> str:
        def make() -> str:
            kind = self.rnd.random()
            if kind < 0.4:
                return self.name(2)  # a bare host name
            if kind < 0.7:
                return f"{self.name(2)}.{self.rnd.choice(['corp', 'office', 'intra', 'prod'])}"
            return f"{self.name(2)}-{self.rnd.randint(1, 40)}.{self.rnd.choice(['example', 'cluster'])}.net"
        return self.draw("host", 120, make)

    def ip(self) -> str:
        r = self.rnd
        return f"{r.choice([10, 172, 192, 203])}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"

    def port(self) -> str:
        return str(self.rnd.randint(1024, 65535))

    def num(self, hi: int = 100000) -> str:
        return str(self.rnd.randint(0, hi))

    def hexa(self, n: int = 8) -> str:
        return "".join(self.rnd.choice("0123456789abcdef") for _ in range(n))

    def word(self, key: str, size: int) -> str:
        return self.draw(key, size, lambda: self.rnd.choice(_WORDS) + self.rnd.choice(["", "", self.name(1)]))


Template = tuple[str, float]  # (text with {slot} fields, relative weight); Zipf weights are given by rank


def _fill(text: str, pools: Pools, slots: dict[str, Callable[[], str]]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: slots[m.group(1)](), text)


def _sshd(p: Pools) -> tuple[list[str], dict[str, Callable[[], str]]]:
    return [
        "Failed password for {user} from {ip} port {port} ssh2",
        "Accepted publickey for {user} from {ip} port {port} ssh2",
        "pam_unix(sshd:session): session opened for user {user} by (uid={uid})",
        "pam_unix(sshd:session): session closed for user {user}",
        "Invalid user {user} from {ip} port {port}",
        "Failed password for invalid user {user} from {ip} port {port} ssh2",
        "Connection closed by authenticating user {user} {ip} port {port} [preauth]",
        "Disconnected from user {user} {ip} port {port}",
        "Accepted password for {user} from {ip} port {port} ssh2",
        "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={host} user={user}",
        "Received disconnect from {ip} port {port}:11: disconnected by user",
        "User {user} not allowed because not listed in AllowUsers",
        "Address {ip} maps to {host}, but this does not map back to the address",
        "error: maximum authentication attempts exceeded for {user} from {ip} port {port} ssh2 [preauth]",
        "Did not receive identification string from {ip} port {port}",
        "pam_unix(sshd:auth): check pass; user unknown",
        "Postponed keyboard-interactive for {user} from {ip} port {port} ssh2 [preauth]",
        "fatal: Read from socket failed: Connection reset by peer [preauth]",
        "Server listening on {ip} port {port}.",
        "Unable to negotiate with {ip} port {port}: no matching host key type found",
    ], {"user": p.user, "ip": p.ip, "port": p.port, "host": p.host, "uid": lambda: p.num(60000)}


def _services(p: Pools) -> tuple[list[str], dict[str, Callable[[], str]]]:
    def service() -> str:
        return p.draw("svc", 45, lambda: p.name(2).capitalize() + p.rnd.choice(["Svc", "Agent", "Host", "", "", ""]))

    def client() -> str:
        return p.draw("client", 6, lambda: p.name(2).capitalize() + p.rnd.choice(["Update", "Setup", "Installer"]))

    return [
        "The {svc} service entered the running state.",
        "The {svc} service entered the stopped state.",
        "Session {hex}_{num} initialized by client {client}.",
        "Session {hex}_{num} finalized. Reboot required: no",
        "Read out cached package applicability for package: {pkg}, ApplicableState: {num}, CurrentState: {num}",
        "Reboot mark set by client {client}",
        "The {svc} service failed to start due to the following error: The system cannot find the file specified.",
        "The start type of the {svc} service was changed from demand start to auto start.",
        "User {domain}\\{user} logged on to workstation {host}",
        "An account failed to log on. Account Name: {user} Failure Reason: Unknown user name or bad password.",
        "Warning: Unrecognized package attribute.",
        "Ending installer finalization.",
        "Group membership enumerated for {user} in domain {domain}",
        "Failed to get next element [HRESULT = 0x{hex} - E_UNEXPECTED]",
        "The {svc} service terminated unexpectedly. It has done this {num} time(s).",
        "Loading offline registry hive: SOFTWARE, into registry key '{{bf1a281b-{hex}}}GLOBALROOT/Device/Hd{num}'",
    ], {"svc": service, "client": client, "hex": lambda: p.hexa(8), "num": lambda: p.num(40),
        "pkg": lambda: f"Package_{p.num(9999)}_for_KB{p.num(999999)}~{p.hexa(16)}~amd64~~6.1.{p.num(9999)}.{p.num(9)}",
        "domain": lambda: p.draw("domain", 3, lambda: p.name(2).upper()), "user": p.user, "host": p.host}


def _kernel(p: Pools) -> tuple[list[str], dict[str, Callable[[], str]]]:
    def comm() -> str:
        return p.draw("comm", 60, lambda: p.name(p.rnd.randint(1, 3)) + p.rnd.choice(["", "", "d", "-worker"]))

    def device() -> str:
        return p.draw("dev", 12, lambda: "sd" + p.rnd.choice("abcdefgh") + p.rnd.choice(["", "1", "2"]))

    return [
        "{comm}[{pid}]: segfault at {hex} ip {hex} sp {hex} error 4 in {lib}[{hex}+{hex}]",
        "Out of memory: Killed process {pid} ({comm}) total-vm:{num}kB, anon-rss:{num}kB, file-rss:0kB",
        "{comm} invoked oom-killer: gfp_mask=0x{hex}, order=0, oom_score_adj={num}",
        "EXT4-fs ({dev}): mounted filesystem with ordered data mode. Opts: (null)",
        "EXT4-fs ({dev}): re-mounted. Opts: errors=remount-ro",
        "{dev}: Attached SCSI removable disk",
        "usb {num}-{num}: new high-speed USB device number {num} using xhci_hcd",
        "machine check: corrected memory error on channel {num} rank {num}",
        "CPU{num}: Core temperature above threshold, cpu clock throttled (total events = {num})",
        "{comm}: page allocation failure: order:{num}, mode:0x{hex}",
        "TCP: request_sock_TCP: Possible SYN flooding on port {port}. Sending cookies.",
        "audit: type=1400 audit({num}.{num}:{num}): apparmor=\"DENIED\" operation=\"open\" profile=\"{comm}\" "
        "name=\"/proc/{pid}/status\" pid={pid} comm=\"{comm}\"",
        "INFO: task {comm}:{pid} blocked for more than {num} seconds.",
        "device {iface} entered promiscuous mode",
        "device {iface} left promiscuous mode",
        "{iface}: link becomes ready",
        "perf: interrupt took too long ({num} > {num}), lowering kernel.perf_event_max_sample_rate to {num}",
    ], {"comm": comm, "dev": device, "pid": lambda: p.num(40000), "hex": lambda: p.hexa(12), "num": lambda: p.num(5000),
        "lib": lambda: p.draw("lib", 8, lambda: f"lib{p.name(1)}.so"), "port": p.port,
        "iface": lambda: p.draw("iface", 10, lambda: p.rnd.choice(["veth", "br-", "wlan", "tap"]) + p.hexa(5))}


def _proxy(p: Pools) -> tuple[list[str], dict[str, Callable[[], str]]]:
    def app() -> str:
        return p.draw("app", 25, lambda: p.name(p.rnd.randint(1, 3)).capitalize() + ".exe")

    def target() -> str:
        return p.draw("target", 200, lambda: p.rnd.choice([
            f"{p.name(2)}.{p.name(2)}.com", f"cdn.{p.name(2)}.net", f"{p.name(2)}.intra", p.name(2),
            f"{p.name(1)}-{p.num(99)}.{p.name(2)}.io", f"{p.name(2)}.{p.name(1)}.cloud"]))

    def proxy() -> str:
        return p.draw("proxy", 3, lambda: f"{p.name(2)}.gw")

    return [
        "{app} - {target}:{port} open through proxy {proxy}:{pport} HTTPS",
        "{app} - {target}:{port} close, {num} bytes sent, {num} bytes received, lifetime {dur}",
        "{app} - {target}:{port} open through proxy {proxy}:{pport} SOCKS5",
        "{app} - {target}:{port} error : Could not connect through proxy {proxy}:{pport} - Proxy server cannot "
        "establish a connection with the target, status code {code}",
        "{app} - {target}:{port} matching rule {rule} via proxy",
        "DNS lookup for {target} failed: no such name",
        "{app} - {target}:{port} error : A connection request was canceled before the completion.",
        "Connection to {target} refused by upstream {proxy}",
        "Rule {rule} disabled by user {user}",
        "Proxy {proxy}:{pport} unreachable, retrying in {num} seconds",
        "{app} - {target}:{port} open directly",
    ], {"app": app, "target": target, "port": lambda: p.rnd.choice(["443", "80", "8080", p.port()]), "proxy": proxy,
        "pport": lambda: p.draw("pport", 2, p.port), "num": lambda: p.num(90000), "code": lambda: p.num(600),
        "dur": lambda: "<1 sec" if p.rnd.random() < 0.2 else f"{p.rnd.randint(0, 59):02d}:{p.rnd.randint(0, 59):02d}",
        "rule": lambda: p.draw("rule", 5, lambda: p.name(2).capitalize()), "user": p.user}


def _mobile(p: Pools) -> tuple[list[str], dict[str, Callable[[], str]]]:
    def package() -> str:
        return p.draw("pkg", 40, lambda: f"{p.rnd.choice(['com', 'org', 'io'])}.{p.name(2)}.{p.name(2)}")

    def action() -> str:
        return p.draw("action", 15, lambda: f"{package()}.action.{p.name(2).upper()}")

    return [
        "PowerManagerService: acquire lock={num}, flags=0x{hex}, tag=\"{tag}\", name={pkg}, uid={num}, pid={num}",
        "PowerManagerService: release lock={num}, flags=0x{hex}, tag=\"{tag}\", name={pkg}, uid={num}, pid={num}",
        "StepCounter: onStepChanged steps={num} goal={num}",
        "Receiver: onReceive action={action}",
        "ActivityManager: Start proc {num}:{pkg}/u0a{num} for service {pkg}/.{cls}",
        "ActivityManager: Process {pkg} (pid {num}) has died",
        "NotificationService: enqueue notification from package {pkg} id={num}",
        "NotificationService: cancel notification from package {pkg} id={num}",
        "SyncManager: sync finished for authority {authority}",
        "Bluetooth: device {bt} bonded",
        "Bluetooth: device {bt} disconnected",
        "WindowManager: Screen frozen for {num}ms",
        "JobScheduler: job {cls} of {pkg} timed out",
        "HealthSync: upload of {num} records for account {user} failed: network unreachable",
        "Display: brightness set to {num}",
    ], {"num": lambda: p.num(30000), "hex": lambda: p.hexa(4), "pkg": package, "action": action,
        "tag": lambda: p.draw("tag", 20, lambda: p.rnd.choice(["*job*/", "*sync*/", "", ""]) + p.name(2).capitalize()),
        "cls": lambda: p.draw("cls", 30, lambda: p.name(2).capitalize() + p.rnd.choice(["Service", "Worker", "Job"])),
        "authority": lambda: p.draw("auth", 10, lambda: f"{package()}.provider"),
        "bt": lambda: p.draw("bt", 8, lambda: p.name(2).capitalize()), "user": p.user}


def _scheduler(p: Pools) -> tuple[list[str], dict[str, Callable[[], str]]]:
    def queue() -> str:
        return p.draw("queue", 7, lambda: p.rnd.choice(_WORDS))

    def node() -> str:
        return p.draw("node", 80, lambda: p.name(2) + p.rnd.choice(["", "", "-gpu"]))

    return [
        "job {job} submitted by user {user} to queue {queue}",
        "job {job} started on node {node}",
        "job {job} completed with exit code {num}",
        "job {job} cancelled by user {user}",
        "node {node} state changed to drain, reason: {reason}",
        "node {node} state changed to idle",
        "node {node} not responding, setting down",
        "queue {queue} reached its limit of {num} running jobs",
        "user {user} exceeded the limit of {num} jobs in queue {queue}",
        "reservation {resv} for account {account} begins on {num} nodes",
        "preempted job {job} of user {user} for job {job}",
        "scheduler cycle took {num} ms, {num} jobs considered",
        "account {account} has no remaining allocation on partition {queue}",
    ], {"job": lambda: p.num(999999), "user": p.user, "queue": queue, "node": node, "num": lambda: p.num(500),
        "reason": lambda: p.draw("reason", 4, lambda: p.rnd.choice(["maintenance", "bad", "kill", "reboot", "thermal"])
                                 + p.rnd.choice(["", "_task", "_failed"])),
        "resv": lambda: p.word("resv", 10), "account": lambda: p.draw("account", 25, lambda: p.name(2) + "_lab")}


SETS = {"sshd": _sshd, "services": _services, "kernel": _kernel, "proxy": _proxy, "mobile": _mobile,
        "scheduler": _scheduler}


def generate(name: str, seed: int, lines: int) -> tuple[list[str], list[str]]:
    """(messages, template id per message) of one generated set."""
    rnd = random.Random(f"{name}-{seed}")
    pools = Pools(rnd)
    texts, slots = SETS[name](pools)
    weights = [1 / (r + 1) ** 1.1 for r in range(len(texts))]  # Zipf over templates, listed most common first
    messages, truth = [], []
    for _ in range(lines):
        t = rnd.choices(range(len(texts)), weights=weights)[0]
        messages.append(_fill(texts[t], pools, slots))
        truth.append(f"{name}-{t}")
    return messages, truth


def write(root: Path, name: str, messages: list[str], truth: list[str]) -> None:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{name}_2k.log_structured.csv", "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["LineId", "Content", "EventId"])
        out.writerows((i + 1, m, t) for i, (m, t) in enumerate(zip(messages, truth, strict=True)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--lines", type=int, default=2000)
    ap.add_argument("--write", type=Path, help="also write each set (first seed) as Loghub-2k CSV under this folder")
    ap.add_argument("--no-drain3", action="store_true")
    args = ap.parse_args()
    try:
        import drain3  # noqa: F401
        drain = not args.no_drain3
    except ImportError:
        drain = False
    print(f"{'set':10s} {'obskit GA':>9s} {'online GA':>9s}" + (f" {'drain3 GA':>9s}" if drain else ""))
    totals: dict[str, list[float]] = {"obskit": [], "online": [], "drain3": []}
    for name in SETS:
        per: dict[str, list[float]] = {"obskit": [], "online": [], "drain3": []}
        for seed in args.seeds:
            messages, truth = generate(name, seed, args.lines)
            if args.write and seed == args.seeds[0]:
                write(args.write, name, messages, truth)
            per["obskit"].append(grouping_accuracy(truth, run_obskit(messages)[0]))
            per["online"].append(grouping_accuracy(truth, run_online(messages)))
            if drain:
                per["drain3"].append(grouping_accuracy(truth, run_drain3(messages)[0]))
        means = {k: sum(v) / len(v) for k, v in per.items() if v}
        for k, v in means.items():
            totals[k].append(v)
        print(f"{name:10s} {means['obskit']:9.3f} {means['online']:9.3f}"
              + (f" {means['drain3']:9.3f}" if drain else ""))
    print(f"{'mean':10s} " + " ".join(f"{sum(v) / len(v):9.3f}" for v in totals.values() if v)
          + f"   ({len(args.seeds)} seeds x {args.lines} lines per set)")


if __name__ == "__main__":
    main()
