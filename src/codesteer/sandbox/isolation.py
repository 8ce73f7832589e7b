"""Setting up a sandbox worker's isolation, and reporting which mechanisms this machine allows.

A worker leaves the host's session keyring, enters new mount, IPC and network namespaces (through
an unprivileged user namespace when not root), hides the host's private directories except the
interpreter, makes a memory cgroup for its jobs, and becomes the init of a new PID namespace. It
then finds what each job process can use: per-job mount and IPC namespaces, Landlock, a seccomp
filter (keyring calls; Unix sockets where Landlock cannot restrict them), keyrings. Each step
that is unavailable (or disabled for testing) falls back and adds a warning.
"""

from __future__ import annotations

import os
import signal

from codesteer.sandbox import linux, mounts
from codesteer.sandbox.child import SHARED_MEMORY, Confinement
from codesteer.sandbox.memory import POLL_S, JobCgroups, create_job_cgroups, parent_name
from codesteer.sandbox.types import IsolationReport

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


MECHANISMS = ("network_namespace", "pid_namespace", "landlock", "seccomp", "memory_cgroup")


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


def _keyrings(root: bool, userns: bool, job_filter: bool, warnings: list[str]) -> tuple[str, bool, bool]:
    """Leave the host's session keyring; returns the description, whether each job gets a fresh
    session keyring, and whether the job uid's own keyrings can be emptied (when the worker starts,
    and around every job where the job filter does not refuse keyring calls)."""
    if not linux.keyrings_supported():
        warnings.append("keyrings are not isolated on this architecture: jobs keep the host's session keyring")
        return "not isolated", False, False
    try:
        linux.join_new_session_keyring()
    except OSError as exc:  # refused to the worker, so to its jobs as well
        return f"unavailable to the worker and its jobs ({exc.strerror})", False, False
    if job_filter:
        emptied = "; the job uid's own keyrings emptied when the worker starts" if root or userns else ""
        return ("keyring system calls refused (seccomp filter): a job reaches no keyring and makes no key"
                + emptied), False, root or userns
    described = "a fresh anonymous session keyring per job (the host's is out of reach)"
    if root or userns:
        return described + "; the job uid's user, user-session and persistent keyrings emptied around every job", True, True
    warnings.append("not root and no user namespace: jobs share this user's own (user, persistent) keyrings")
    return described, True, False


def _unix_sockets(abi: int, job_filter: bool, warnings: list[str]) -> tuple[str, bool]:
    """How jobs are kept from the host's filesystem Unix sockets; and whether the job filter
    refuses them."""
    if abi >= linux.LANDLOCK_UNIX_SOCKETS_ABI:
        return f"Landlock ABI {abi}: sockets made outside the job cannot be connected or sent to", False
    if job_filter:
        return ("seccomp filter (Landlock ABI < 9 cannot restrict them): socket(AF_UNIX) refused, socketpair() "
                "for stream pairs only, io_uring refused"), True
    warnings.append("jobs can connect to the host's filesystem Unix sockets (no Landlock ABI 9, no seccomp filter)")
    return "not blocked", False


def _memory(disabled: frozenset[str], warnings: list[str]) -> tuple[str, JobCgroups | None]:
    per_process = "; each process also within memory_mb of address space (RLIMIT_AS)"
    reason = "disabled by configuration"
    if "memory_cgroup" not in disabled:
        try:
            cgroups = create_job_cgroups(parent_name(os.getpid()))
            return (f"a memory cgroup (v{cgroups.version}) per job: its processes, files and shared memory "
                    "together within memory_mb, swap included" + per_process), cgroups
        except OSError as exc:
            reason = exc.strerror or str(exc)
    warnings.append(f"no memory cgroup ({reason}): the job's processes are added up every {POLL_S * 1000:.0f} ms "
                    "and the job killed beyond memory_mb, so a quick burst can pass the limit briefly")
    return f"private memory of the job's processes added up every {POLL_S * 1000:.0f} ms" + per_process, None


def _uid(root: bool, userns: bool, private_mounts: bool, base: str, warnings: list[str]) -> tuple[str, str, int | None]:
    """The job uid, and what jobs see of the host's private files; returns both descriptions and
    the uid (None: jobs keep this worker's uid)."""
    job_uid = UID_BASE + os.getpid() if root else None
    user = (f"unique uid {job_uid} (dropped from root)" if root else
            "own uid, capabilities dropped (user namespace)" if userns else "own uid")
    if not root:
        warnings.append("not running as root: jobs keep this user's uid and share its process limit")
    try:
        if not private_mounts:
            raise OSError(0, "no private mount namespace")
        covered = mounts.show_only(mounts.needed_paths(), [base])
    except OSError as exc:
        host_files = "file permissions only"
        if root:
            job_uid = None
            user = "root (no uid drop)"
            warnings.append(f"cannot expose only the interpreter ({exc.strerror}): jobs run as root without "
                            "the uid drop and read whatever root can")
        else:
            warnings.append(f"cannot hide the host's private directories ({exc.strerror}): jobs read what this "
                            "user can")
        return user, host_files, job_uid
    host_files = ("of " + ", ".join(covered) + ": only the interpreter's bin and lib, its import path (stdlib, "
                  "site-packages, the sandbox's source), read-only" if covered else
                  "nothing hidden: the interpreter lives in system directories")
    return user, host_files, job_uid


def establish(network: bool, disabled: frozenset[str], channels: tuple[int, ...],
              base: str) -> tuple[Confinement, IsolationReport]:
    """Isolate this worker and find what each job process can use; weaker fallbacks are reported.

    ``disabled`` names mechanisms (``MECHANISMS``) to leave out, to exercise the fallbacks;
    ``channels`` are the protocol fds (closed in the process left outside a PID namespace);
    ``base`` is where job directories are made (each job's own tmpfs when possible)."""
    warnings: list[str] = []
    root = os.geteuid() == 0
    net, userns, private_mounts = _enter_namespaces(network, disabled, warnings)
    job_filter = "seccomp" not in disabled and linux.seccomp_supported()
    keyrings, session_keyring, clear_user_keyrings = _keyrings(root, userns, job_filter, warnings)
    abi = 0 if "landlock" in disabled else linux.landlock_abi()
    if abi:
        filesystem = f"Landlock ABI {abi}: writes only inside the job's working directory"
    else:
        filesystem = "file permissions only"
        warnings.append("Landlock unavailable or disabled: writes outside the working directory are limited "
                        "only by file permissions (world-writable places such as /tmp stay writable)")
    if private_mounts:
        filesystem += f"; job directory and a private {SHARED_MEMORY} on a fresh size-limited tmpfs per job (max_disk_mb)"
        ipc = "an IPC namespace per job: SysV shared memory, message queues, semaphores and POSIX queues end with it"
    else:
        ipc = "the host's IPC namespace"
        warnings.append(f"job directories are on the host's disk: only the size of each file is limited, not their "
                        f"total; no private {SHARED_MEMORY} (multiprocessing fails); SysV IPC is shared with the host")
    if not network and abi >= 4:
        net += " + Landlock TCP bind/connect denied"
    elif not network and net.startswith("not isolated"):
        warnings.append("no mechanism blocks network access")
    unix_sockets, unix_socket_filter = _unix_sockets(abi, job_filter, warnings)
    memory, cgroups = _memory(disabled, warnings)
    user, host_files, job_uid = _uid(root, userns, private_mounts, base, warnings)
    signals = "Landlock signal scope" if abi >= 6 else "uid separation" if job_uid is not None else "none"
    if signals == "none":
        warnings.append("sandboxed code may signal other processes of this user (no Landlock scope, no uid drop)")
    pidns = "pid_namespace" not in disabled and _become_namespace_init(channels)
    if pidns:
        tree = "PID namespace per worker; after each job every process of the job is killed before the next"
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
        tree = "subreaper sweep of the worker's descendants" + (" + kill by uid" if root else "")
        warnings.append("PID namespaces unavailable or disabled: leftover processes are found through the "
                        "subreaper" + (" and the job's uid" if root else ""))
    plan = Confinement(job_uid=job_uid, drop_caps=userns, landlock_abi=abi, network=network, pid_namespace=pidns,
                       per_job_namespaces=private_mounts, job_filter=job_filter, unix_socket_filter=unix_socket_filter,
                       session_keyring=session_keyring, clear_user_keyrings=clear_user_keyrings, cgroups=cgroups)
    report = IsolationReport(user=user, network=net, unix_sockets=unix_sockets, filesystem=filesystem,
                             host_files=host_files, process_tree=tree, signals=signals, ipc=ipc, keyrings=keyrings,
                             memory=memory, warnings=tuple(warnings))
    return plan, report
