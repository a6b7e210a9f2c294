#!/bin/bash
# Starts a real Keystone (uWSGI, port 15000) and Glance (glance-api, port 19292) on 127.0.0.1 for tests and
# benchmarks. Idempotent: installs what is missing, configures once, starts what is not running, and is a
# fast no-op when both already answer. All state lives in one folder:
#   ${IMAGEBUILDER_OPENSTACK_STATE:-$HOME/.cache/imagebuilder/openstack}
# Writes STATE/openrc (OS_* variables) and STATE/clouds.yaml (cloud "imagebuilder-test").
# Admin password: $IMAGEBUILDER_OPENSTACK_PASSWORD on first setup, else a fixed test password; kept in openrc.
# Stop with openstack-stop.sh [glance|keystone|all].
set -euo pipefail

STATE=${IMAGEBUILDER_OPENSTACK_STATE:-$HOME/.cache/imagebuilder/openstack}
KS_PORT=15000
GL_PORT=19292
AUTH_URL=http://127.0.0.1:$KS_PORT/v3
IMAGE_URL=http://127.0.0.1:$GL_PORT
PACKAGES=(keystone glance-api python3-openstackclient uwsgi-core uwsgi-plugin-python3 sqlite3 curl)

log() { echo "openstack-start: $*" >&2; }

answers() { curl -s -o /dev/null -m 3 -H 'Connection: close' -w '%{http_code}' "$1" 2>/dev/null | grep -qE '^(200|300)$'; }

running() { # running NAME -> pid file names a live process of ours (not a pid reused after a reboot)
    local pid
    pid=$(cat "$STATE/run/$1.pid" 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
        && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$STATE"
}

# Fast path: nothing to do.
if running keystone && running glance && answers "$AUTH_URL" && answers "$IMAGE_URL/versions" \
        && [ -f "$STATE/openrc" ]; then
    exit 0
fi

mkdir -p "$STATE"/{run,log,keystone,glance/images,glance/staging,glance/tasks,glance/locks}
chmod 700 "$STATE"
exec 9>"$STATE/run/start.lock"
flock 9

install_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing ${missing[*]} (about a minute)"
    export DEBIAN_FRONTEND=noninteractive
    # Maintainer scripts must configure no database, admin or endpoints: we do that under $STATE.
    debconf-set-selections <<'EOF'
keystone keystone/configure_db boolean false
keystone keystone/create-admin-tenant boolean false
keystone keystone/register-endpoint boolean false
glance-common glance/configure_db boolean false
glance-api glance/configure_db boolean false
glance-common glance/register-endpoint boolean false
glance-api glance/register-endpoint boolean false
glance-api glance-api/register-endpoint boolean false
EOF
    # The packaged services must never start: policy-rc.d answers 101 during the install, then is restored.
    local policy=/usr/sbin/policy-rc.d backup=""
    if [ -e $policy ]; then backup=$(mktemp); cp -p $policy "$backup"; fi
    restore_policy() { if [ -n "$backup" ]; then cp -p "$backup" $policy; rm -f "$backup"; else rm -f $policy; fi; }
    trap restore_policy EXIT
    printf '#!/bin/sh\nexit 101\n' > $policy
    chmod 755 $policy
    apt-cache policy keystone | grep -q 'Candidate: [0-9]' || apt-get update -q >&2
    apt-get install -y -q -o DPkg::Lock::Timeout=600 "${missing[@]}" >"$STATE/log/apt.log" 2>&1 \
        || { tail -20 "$STATE/log/apt.log" >&2; exit 1; }
    restore_policy
    trap - EXIT
}

admin_password() {
    if [ -f "$STATE/openrc" ]; then
        sed -n "s/^export OS_PASSWORD='\(.*\)'$/\1/p" "$STATE/openrc"
    else
        echo "${IMAGEBUILDER_OPENSTACK_PASSWORD:-imagebuilder-test-admin}"
    fi
}

write_configs() {
    cat > "$STATE/keystone/keystone.conf" <<EOF
[DEFAULT]
log_file = $STATE/log/keystone.log
[database]
connection = sqlite:///$STATE/keystone/keystone.db
[token]
provider = fernet
[fernet_tokens]
key_repository = $STATE/keystone/fernet-keys
[fernet_receipts]
key_repository = $STATE/keystone/fernet-keys
[credential]
key_repository = $STATE/keystone/credential-keys
EOF
    cat > "$STATE/glance/glance-api.conf" <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $GL_PORT
workers = 0
log_file = $STATE/log/glance-api.log
enabled_backends = fs:file
[database]
connection = sqlite:///$STATE/glance/glance.db
[glance_store]
default_backend = fs
[fs]
filesystem_store_datadir = $STATE/glance/images/
[os_glance_staging_store]
filesystem_store_datadir = $STATE/glance/staging/
[os_glance_tasks_store]
filesystem_store_datadir = $STATE/glance/tasks/
[oslo_concurrency]
lock_path = $STATE/glance/locks
[paste_deploy]
flavor = keystone
config_file = /etc/glance/glance-api-paste.ini
[keystone_authtoken]
www_authenticate_uri = http://127.0.0.1:$KS_PORT
auth_url = http://127.0.0.1:$KS_PORT
auth_type = password
user_domain_name = Default
project_domain_name = Default
project_name = service
username = glance
password = glance-service-test
EOF
}

# Runs a daemon in its own session (one process group to stop), with no inherited descriptors but 0-2.
launch() { # launch NAME COMMAND...
    local name=$1; shift
    (
        for fd in /proc/$BASHPID/fd/*; do
            fd=${fd##*/}
            [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null || true
        done
        exec setsid "$@" </dev/null >>"$STATE/log/$name.out" 2>&1
    ) &
    echo $! > "$STATE/run/$name.pid"
}

wait_for() { # wait_for NAME URL
    local i
    for i in $(seq 1 120); do
        answers "$2" && return 0
        running "$1" || { log "$1 died; last log lines:"; tail -20 "$STATE/log/$1.out" >&2; exit 1; }
        sleep 0.5
    done
    log "$1 did not answer on $2 within 60 s"; tail -20 "$STATE/log/$1.out" >&2; exit 1
}

start_keystone() {
    if running keystone; then wait_for keystone "$AUTH_URL"; return 0; fi
    local km=(keystone-manage --config-file "$STATE/keystone/keystone.conf")
    exec 8>>"$STATE/log/keystone-manage.log"
    if [ ! -f "$STATE/keystone/.db-ready" ]; then
        "${km[@]}" db_sync >&8 2>&8
        sqlite3 "$STATE/keystone/keystone.db" 'PRAGMA journal_mode=WAL;' >/dev/null
        "${km[@]}" fernet_setup --keystone-user root --keystone-group root >&8 2>&8
        "${km[@]}" credential_setup --keystone-user root --keystone-group root >&8 2>&8
        "${km[@]}" bootstrap --bootstrap-password "$(admin_password)" \
            --bootstrap-admin-url "$AUTH_URL" --bootstrap-internal-url "$AUTH_URL" \
            --bootstrap-public-url "$AUTH_URL" --bootstrap-region-id RegionOne >&8 2>&8
        touch "$STATE/keystone/.db-ready"
    fi
    # Single-threaded workers: threads on sqlite give "database is locked".
    # uWSGI's http router keeps client connections alive (a bare --http-socket resets kept-alive ones).
    launch keystone uwsgi --plugin python3,http --http 127.0.0.1:$KS_PORT --http-keepalive \
        --wsgi-file /usr/bin/keystone-wsgi-public --master --processes 2 --threads 1 --die-on-term \
        --env OS_KEYSTONE_CONFIG_DIR="$STATE/keystone" --env OS_KEYSTONE_CONFIG_FILES=keystone.conf
    wait_for keystone "$AUTH_URL"
}

write_client_config() {
    local pw; pw=$(admin_password)
    cat > "$STATE/openrc.new" <<EOF
export OS_AUTH_URL=$AUTH_URL
export OS_IDENTITY_API_VERSION=3
export OS_USERNAME=admin
export OS_PASSWORD='$pw'
export OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=RegionOne
export OS_INTERFACE=public
EOF
    mv "$STATE/openrc.new" "$STATE/openrc"
    cat > "$STATE/clouds.yaml" <<EOF
clouds:
  imagebuilder-test:
    auth:
      auth_url: $AUTH_URL
      username: admin
      password: '$pw'
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
EOF
    chmod 600 "$STATE/openrc" "$STATE/clouds.yaml"
}

register_glance() {
    [ -f "$STATE/keystone/.glance-registered" ] && return 0
    # One Python process with keystoneclient (each `openstack` CLI call costs a few seconds of start-up).
    (
        # shellcheck disable=SC1091
        . "$STATE/openrc"
        IMAGE_URL="$IMAGE_URL" /usr/bin/python3 - <<'PY'
import os
from keystoneauth1 import session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client

env = os.environ
ks = client.Client(session=session.Session(auth=v3.Password(
    auth_url=env["OS_AUTH_URL"], username=env["OS_USERNAME"], password=env["OS_PASSWORD"],
    project_name=env["OS_PROJECT_NAME"], user_domain_name="Default", project_domain_name="Default")))
project = (ks.projects.list(name="service", domain="default") or [None])[0] \
    or ks.projects.create("service", "default")
user = (ks.users.list(name="glance", domain="default") or [None])[0] \
    or ks.users.create("glance", domain="default", password="glance-service-test", default_project=project)
ks.roles.grant(ks.roles.list(name="admin")[0], user=user, project=project)
service = (ks.services.list(type="image") or [None])[0] or ks.services.create("glance", type="image")
have = {e.interface for e in ks.endpoints.list(service=service)}
for interface in ("public", "internal", "admin"):
    if interface not in have:
        ks.endpoints.create(service=service, url=env["IMAGE_URL"], interface=interface, region="RegionOne")
PY
    )
    touch "$STATE/keystone/.glance-registered"
}

start_glance() {
    if running glance; then wait_for glance "$IMAGE_URL/versions"; return 0; fi
    if [ ! -f "$STATE/glance/.db-ready" ]; then
        glance-manage --config-file "$STATE/glance/glance-api.conf" db_sync >>"$STATE/log/glance-manage.log" 2>&1
        sqlite3 "$STATE/glance/glance.db" 'PRAGMA journal_mode=WAL;' >/dev/null
        touch "$STATE/glance/.db-ready"
    fi
    # A glance-api stopped mid-upload (or an image deleted while its data was still arriving) leaves a partial
    # file in the store that no image row owns; drop those while Glance is down.
    local f live
    live=$(sqlite3 "$STATE/glance/glance.db" "select id from images where deleted = 0;")
    for f in "$STATE"/glance/images/*; do
        [ -e "$f" ] && ! grep -qx -- "${f##*/}" <<< "$live" && rm -f -- "$f"
    done
    launch glance glance-api --config-file "$STATE/glance/glance-api.conf"
    wait_for glance "$IMAGE_URL/versions"
}

started=$(date +%s)
install_packages
write_configs
start_keystone
write_client_config
register_glance
start_glance
log "Keystone $AUTH_URL and Glance $IMAGE_URL ready after $(( $(date +%s) - started )) s; credentials in $STATE/openrc"
