"""Resident memory of this process from /proc/self/status, and a reset of its peak, as the C# side measures its own."""


def _status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field} line")


def rss_mib():
    """VmRSS: resident memory now, in MiB."""
    return _status_kib("VmRSS") / 1024.0


def peak_mib():
    """VmHWM: the peak resident memory since start or since the last reset_peak(), in MiB."""
    return _status_kib("VmHWM") / 1024.0


def reset_peak():
    """Sets VmHWM to the current VmRSS (Linux >= 4.0: writing 5 to clear_refs), so a phase's peak can be read alone."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
