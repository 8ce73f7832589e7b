"""Setting up a sandbox worker's isolation, and reporting which mechanisms this machine allows.

A worker enters new mount, IPC and network namespaces (through an unprivileged user namespace
when not root), puts job directories and ``/dev/shm`` on size-limited tmpfs, makes a privately
installed interpreter readable for the job uid, and becomes the init of a new PID namespace.
Each step that is unavailable (or disabled for testing) falls back and adds a warning.
"""

from __future__ import annotations

import os
import signal

from codesteer.sandbox import linux, mounts
from codesteer.sandbox.child import SHARED_MEMORY, Confinement
from codesteer.sandbox.types import IsolationReport, SandboxConfig

UID_BASE = 1_000_000


def _become_namespace_init(channels: tuple[int, ...]) -> bool:
    """Enter a new PID namespace as its init: fork; the original process only waits and exits
    with the child's status. Returns False (nothing changed) when PID namespaces are unavailable.

    Every job is then forked inside this namespace, so ``kill(-1)`` from here reaches all that a
    job left behind (daemons included) and nothing else."""
    try:
        linux.unshare(linux.CLONE_NEWPID)
        child = os.fork()
    except OSError:
        return False
    if child:
        for fd in channels:
            os.close(fd)
        os._exit(os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) & 0xFF)
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
    return True


def _enter_user_namespace(flags: int) -> None:
    uid, gid = os.getuid(), os.getgid()
    linux.unshare(linux.CLONE_NEWUSER | flags)
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)


MECHANISMS = ("network_namespace", "pid_namespace", "landlock")


def _enter_namespaces(network: bool, disabled: frozenset[str], warnings: list[str]) -> tuple[str, bool, bool]:
    """Put this worker in new mount and IPC (and, unless allowed the network, network) namespaces.

    Returns the network description, whether an unprivileged user namespace was entered and
    whether mounts are now private to this worker."""
    root = os.geteuid() == 0
    use_netns = not network and "network_namespace" not in disabled
    flags = linux.CLONE_NEWNS | linux.CLONE_NEWIPC | (linux.CLONE_NEWNET if use_netns else 0)
    try:
        if root:
            linux.unshare(flags)
        else:
            _enter_user_namespace(flags)
        mounts.make_private()
    except OSError as exc:
        warnings.append(f"namespaces unavailable ({exc.strerror}): no private mounts"
                        + (", no network namespace" if use_netns else ""))
        return "not isolated by a namespace", False, False
    if network:
        return "allowed by configuration (network=True)", not root, True
    if not use_netns:
        warnings.append("network namespace disabled by configuration")
        return "not isolated by a namespace", not root, True
    return "empty network namespace", not root, True


def establish(network: bool, disabled: frozenset[str], channels: tuple[int, ...],
              base: str) -> tuple[Confinement, IsolationReport]:
    """Isolate this worker and find what each job child can use; weaker fallbacks are reported.

    ``disabled`` names mechanisms (``MECHANISMS``) to leave out, to exercise the fallbacks;
    ``channels`` are the protocol fds (closed in the process left outside a PID namespace);
    ``base`` is where job directories are made (a size-limited tmpfs when possible)."""
    warnings: list[str] = []
    root = os.geteuid() == 0
    net, userns, private_mounts = _enter_namespaces(network, disabled, warnings)
    try:
        if not private_mounts:
            raise OSError(0, "no private mount namespace")
        mounts.mount_scratch(base, SandboxConfig.max_disk_mb)
        mounts.mount_scratch(SHARED_MEMORY, SandboxConfig.max_disk_mb, "1777")
        disk = True
    except OSError as exc:
        disk = False
        warnings.append(f"job directories are on the host's disk ({exc.strerror}): only the size of each "
                        f"file is limited, not their total; no private {SHARED_MEMORY} (multiprocessing fails)")
    abi = 0 if "landlock" in disabled else linux.landlock_abi()
    if abi:
        filesystem = f"Landlock ABI {abi}: writes only inside the job's working directory"
    else:
        filesystem = "file permissions only"
        warnings.append("Landlock unavailable or disabled: writes outside the working directory are limited "
                        "only by file permissions (world-writable places such as /tmp stay writable)")
    if not network and abi >= 4:
        net += " + Landlock TCP bind/connect denied"
    elif not network and net.startswith("not isolated"):
        warnings.append("no mechanism blocks network access")
    job_uid = UID_BASE + os.getpid() if root else None
    if root:
        user = f"unique uid {job_uid} (dropped from root)"
        try:
            if not private_mounts:
                raise OSError(0, "no private mount namespace")
            if covered := mounts.reveal(mounts.needed_paths()):
                user += f"; private directories covered, interpreter re-mounted: {', '.join(covered)}"
        except OSError as exc:
            job_uid = None
            user = "root (no uid drop)"
            warnings.append(f"cannot expose the interpreter to an unprivileged uid ({exc.strerror}): jobs run "
                            "as root without the uid drop")
    else:
        user = "own uid, capabilities dropped (user namespace)" if userns else "own uid"
        warnings.append("not running as root: jobs keep this user's uid and share its process limit")
    signals = "Landlock signal scope" if abi >= 6 else "uid separation" if job_uid is not None else "none"
    if signals == "none":
        warnings.append("sandboxed code may signal other processes of this user (no Landlock scope, no uid drop)")
    pidns = "pid_namespace" not in disabled and _become_namespace_init(channels)
    if pidns:
        tree = "PID namespace per worker; after each job kill(-1) from its init clears every leftover"
        try:
            if not private_mounts:
                raise OSError(0, "no private mount namespace")
            linux.mount("proc", "/proc", "proc", linux.MS_NOSUID | linux.MS_NODEV | linux.MS_NOEXEC)
            tree += "; private /proc (host processes and their command lines invisible)"
        except OSError as exc:
            warnings.append(f"host processes stay visible in /proc ({exc.strerror}): their command lines "
                            "are readable by sandboxed code")
    else:
        linux.prctl(linux.PR_SET_CHILD_SUBREAPER, 1)
        tree = "process group + subreaper sweep of descendants" + (" + kill by uid" if root else "")
        warnings.append("PID namespaces unavailable or disabled: leftover processes are found through the "
                        "subreaper" + (" and the job's uid" if root else ""))
    plan = Confinement(job_uid=job_uid, drop_caps=userns, landlock_abi=abi, network=network,
                       pid_namespace=pidns, disk_limit=disk)
    if disk:
        filesystem += f"; job directories and a private {SHARED_MEMORY} on size-limited tmpfs (max_disk_mb)"
    report = IsolationReport(user=user, network=net, filesystem=filesystem,
                             process_tree=tree, signals=signals, warnings=tuple(warnings))
    return plan, report
