#!/usr/bin/env bash
# Install CUPS and a cups-pdf print queue named PDF, for the real-printer test.
#
# Idempotent: safe to run again. Run as root on Debian/Ubuntu:
#     sudo .ci/install_cups.sh
# Prints "CUPS_PDF_OUT=<dir>" (where cups-pdf writes the printed jobs) on its last line.
set -euo pipefail

QUEUE="${CUPS_QUEUE:-PDF}"
export DEBIAN_FRONTEND=noninteractive

log() { echo "install_cups: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
    log "must run as root"; exit 1
fi

install_packages() {
    if dpkg -s cups printer-driver-cups-pdf >/dev/null 2>&1; then
        log "cups and printer-driver-cups-pdf already installed"
        return
    fi
    log "installing cups printer-driver-cups-pdf"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends cups printer-driver-cups-pdf >/dev/null
}

cups_up() { lpstat -r 2>/dev/null | grep -q "is running"; }

start_cupsd() {
    if cups_up; then
        log "cupsd already running"
        return
    fi
    log "starting cupsd"
    if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
        systemctl start cups || true
    fi
    if ! cups_up; then
        # No systemd (containers): run the daemon ourselves; it forks into the background.
        /usr/sbin/cupsd
    fi
    for _ in $(seq 1 50); do
        cups_up && { log "cupsd is running"; return; }
        sleep 0.2
    done
    log "cupsd did not start"; exit 1
}

find_ppd() {
    # awk reads all of lpinfo's output (no early exit, so no SIGPIPE under pipefail).
    local models ppd="lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"
    models="$(lpinfo -m 2>/dev/null || true)"
    if awk -v p="$ppd" '$1 == p {found = 1} END {exit !found}' <<<"$models"; then
        echo "$ppd"; return
    fi
    ppd="$(awk 'tolower($0) ~ /cups-pdf/ && !done {print $1; done = 1}' <<<"$models")"
    if [ -z "$ppd" ]; then
        log "no cups-pdf PPD found (lpinfo -m)"; exit 1
    fi
    echo "$ppd"
}

add_queue() {
    if lpstat -p "$QUEUE" >/dev/null 2>&1; then
        log "queue $QUEUE exists"
    else
        local ppd
        ppd="$(find_ppd)"
        log "adding queue $QUEUE with $ppd"
        lpadmin -p "$QUEUE" -E -v cups-pdf:/ -m "$ppd"
    fi
    cupsenable "$QUEUE"
    cupsaccept "$QUEUE"
    lpadmin -d "$QUEUE"
}

output_dir() {
    # cups-pdf's Out setting; ${HOME} is the job owner's home (root -> /root).
    local out
    out="$(grep -E '^[[:space:]]*Out[[:space:]]' /etc/cups/cups-pdf.conf 2>/dev/null \
        | awk '{print $2}' | tail -n1)"
    out="${out:-\${HOME\}/PDF}"
    local home
    home="$(getent passwd "${SUDO_USER:-root}" | cut -d: -f6)"
    echo "${out//\$\{HOME\}/$home}"
}

install_packages
start_cupsd
add_queue
lpstat -p "$QUEUE" -d >&2
log "jobs printed to $QUEUE by user ${SUDO_USER:-root} land in $(output_dir)"
log "anonymous jobs (remote/nobody) land in /var/spool/cups-pdf/ANONYMOUS"
echo "CUPS_PDF_OUT=$(output_dir)"
