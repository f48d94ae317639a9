#!/usr/bin/env bash
# Starts or stops the two reference proxies of failover-bench, HAProxy and nginx, each in front of
# the same three demo nodes (a primary and two backups), bound to 127.0.0.1 only.
#
#   proxies.sh start PORT0 PORT1 PORT2 LISTEN_HAPROXY LISTEN_NGINX
#   proxies.sh stop  PORT0 PORT1 PORT2 LISTEN_HAPROXY LISTEN_NGINX
#
# start installs the Debian packages haproxy and nginx when they are missing (apt-get, as root),
# writes their configurations to a directory of its own, starts both as daemons, and prints one
# line per proxy, read by the harness:
#
#   haproxy ok PID VERSION          or   haproxy unavailable REASON
#   nginx ok PID VERSION            or   nginx unavailable REASON
#
# stop stops the daemons started for these ports and removes their directory.
#
# FAILOVER_BENCH_BALANCE chooses how the proxies spread requests over the nodes:
#   failover (default)  node 0 is the primary, nodes 1 and 2 backups
#   roundrobin          all three in rotation: HAProxy 'balance roundrobin', nginx's default
#   leastconn           all three in rotation: HAProxy 'balance leastconn', nginx 'least_conn'
# FAILOVER_BENCH_OBSERVE=1 makes answers count against a node: HAProxy 'observe layer7' (10 errors
# mark it down), nginx 'proxy_next_upstream ... http_500' (so a 500 counts towards max_fails).
# The settings mirror the failover client's in the benchmark: connect and response timeouts of 1 s,
# health checks every 1 s (HAProxy), 2 failures to go down and 2 successes to come back.
set -u

usage() {
    echo "usage: $0 start|stop PORT0 PORT1 PORT2 LISTEN_HAPROXY LISTEN_NGINX" >&2
    exit 2
}

[ $# -eq 6 ] || usage
action=$1 port0=$2 port1=$3 port2=$4 listen_haproxy=$5 listen_nginx=$6
for port in "$port0" "$port1" "$port2" "$listen_haproxy" "$listen_nginx"; do
    case $port in '' | *[!0-9]*) usage ;; esac
done

dir=${FAILOVER_BENCH_PROXY_DIR:-${TMPDIR:-/tmp}/failover-bench-proxies-$listen_haproxy-$listen_nginx}
balance=${FAILOVER_BENCH_BALANCE:-failover}
observe=${FAILOVER_BENCH_OBSERVE:-0}
case $balance in failover | roundrobin | leastconn) ;; *) usage ;; esac

# What the balance mode writes into each configuration.
haproxy_balance="" backup=" backup" nginx_balance="" observe_haproxy="" next_upstream="error timeout http_503"
case $balance in
roundrobin) haproxy_balance="    balance roundrobin" backup="" ;;
leastconn) haproxy_balance="    balance leastconn" backup="" nginx_balance="        least_conn;" ;;
esac
if [ "$observe" = 1 ]; then
    observe_haproxy=" observe layer7 error-limit 10 on-error mark-down"
    next_upstream="error timeout http_500 http_503"
fi

# The binaries live in /usr/sbin, which a non-login shell may not have on its PATH.
export PATH="$PATH:/usr/sbin:/sbin"

install_if_missing() { # PACKAGE BINARY
    command -v "$2" >/dev/null 2>&1 && return 0
    local log="$dir/apt-$1.log"
    # The harness sets this after a failed install, so a run does not retry it for every scenario.
    [ "${FAILOVER_BENCH_NO_INSTALL:-0}" = 1 ] && { echo "install skipped after an earlier failure" >"$log"; return 1; }
    if [ "$(id -u)" -ne 0 ]; then
        echo "not root, cannot install $1" >"$log"
        return 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    # A fresh machine may start the service on install; policy-rc.d keeps it from binding port 80.
    local policy=/usr/sbin/policy-rc.d created_policy=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
    fi
    apt-get install -y --no-install-recommends "$1" >"$log" 2>&1 \
        || { apt-get update >>"$log" 2>&1 && apt-get install -y --no-install-recommends "$1" >>"$log" 2>&1; }
    local status=$?
    [ "$created_policy" -eq 1 ] && rm -f "$policy"
    [ $status -eq 0 ] && command -v "$2" >/dev/null 2>&1
}

# Runs a command with no descriptor but 0, 1 and 2: a daemon must not keep a socket of the program
# that started this script (a demo node's listener would then outlive the node).
without_inherited_descriptors() {
    (
        for fd in /proc/$BASHPID/fd/*; do
            fd=${fd##*/}
            case $fd in 0 | 1 | 2) ;; *) eval "exec $fd>&-" 2>/dev/null ;; esac
        done
        exec "$@"
    )
}

wait_for_port() { # PORT: up to 3 s for something to listen on 127.0.0.1:PORT
    local i
    for i in $(seq 1 60); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

stop_pidfile() { # FILE
    [ -f "$1" ] || return 0
    local pid
    pid=$(cat "$1" 2>/dev/null)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        local i
        for i in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    fi
    rm -f "$1"
}

write_haproxy_config() {
    cat >"$dir/haproxy.cfg" <<CFG
global
    maxconn 4096
    pidfile $dir/haproxy.pid

defaults
    mode http
    option http-keep-alive
    timeout connect 1s
    timeout client 30s
    timeout server 1s
    timeout check 1s
    retries 2
    option redispatch

frontend bench
    bind 127.0.0.1:$listen_haproxy
    default_backend nodes

backend nodes
$haproxy_balance
    option httpchk GET /health
    http-check expect status 200
    default-server inter 1s fall 2 rise 2$observe_haproxy
    server node0 127.0.0.1:$port0 check
    server node1 127.0.0.1:$port1 check$backup
    server node2 127.0.0.1:$port2 check$backup
CFG
}

write_nginx_config() {
    mkdir -p "$dir/nginx/logs" "$dir/nginx/temp"
    cat >"$dir/nginx/nginx.conf" <<CFG
daemon on;
pid $dir/nginx/nginx.pid;
worker_processes auto;
error_log $dir/nginx/logs/error.log warn;

events {
    worker_connections 4096;
}

http {
    access_log off;
    client_body_temp_path $dir/nginx/temp/body;
    proxy_temp_path $dir/nginx/temp/proxy;
    fastcgi_temp_path $dir/nginx/temp/fastcgi;
    uwsgi_temp_path $dir/nginx/temp/uwsgi;
    scgi_temp_path $dir/nginx/temp/scgi;
    keepalive_requests 100000;

    upstream nodes {
$nginx_balance
        server 127.0.0.1:$port0 max_fails=2 fail_timeout=2s;
        server 127.0.0.1:$port1 max_fails=2 fail_timeout=2s$backup;
        server 127.0.0.1:$port2 max_fails=2 fail_timeout=2s$backup;
        keepalive 64;
    }

    server {
        listen 127.0.0.1:$listen_nginx;
        location / {
            proxy_pass http://nodes;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_connect_timeout 1s;
            proxy_send_timeout 1s;
            proxy_read_timeout 1s;
            proxy_next_upstream $next_upstream;
        }
    }
}
CFG
}

start_haproxy() {
    if ! install_if_missing haproxy haproxy; then
        echo "haproxy unavailable cannot install the Debian package haproxy (see $dir/apt-haproxy.log)"
        return
    fi
    write_haproxy_config
    local out
    if ! out=$(without_inherited_descriptors haproxy -f "$dir/haproxy.cfg" -D -p "$dir/haproxy.pid" 2>&1); then
        echo "haproxy unavailable $(echo "$out" | tr '\n' ' ' | cut -c1-200)"
        return
    fi
    if ! wait_for_port "$listen_haproxy"; then
        echo "haproxy unavailable not listening on 127.0.0.1:$listen_haproxy"
        return
    fi
    echo "haproxy ok $(head -n1 "$dir/haproxy.pid") $(haproxy -v 2>/dev/null | head -n1 | awk '{print $3}')"
}

start_nginx() {
    if ! install_if_missing nginx nginx; then
        echo "nginx unavailable cannot install the Debian package nginx (see $dir/apt-nginx.log)"
        return
    fi
    write_nginx_config
    local out
    if ! out=$(without_inherited_descriptors nginx -c "$dir/nginx/nginx.conf" -p "$dir/nginx" -e "$dir/nginx/logs/error.log" 2>&1); then
        echo "nginx unavailable $(echo "$out" | tr '\n' ' ' | cut -c1-200)"
        return
    fi
    if ! wait_for_port "$listen_nginx"; then
        echo "nginx unavailable not listening on 127.0.0.1:$listen_nginx"
        return
    fi
    local version
    version=$(nginx -v 2>&1 | sed 's|.*nginx/||' | awk '{print $1}')
    echo "nginx ok $(head -n1 "$dir/nginx/nginx.pid") $version"
}

case $action in
start)
    mkdir -p "$dir"
    stop_pidfile "$dir/haproxy.pid"
    stop_pidfile "$dir/nginx/nginx.pid"
    start_haproxy
    start_nginx
    ;;
stop)
    stop_pidfile "$dir/haproxy.pid"
    stop_pidfile "$dir/nginx/nginx.pid"
    rm -rf "$dir"
    ;;
*)
    usage
    ;;
esac
