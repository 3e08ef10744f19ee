"""A QMP client for a guest's QEMU (stdlib only).

  argv += qmp_argv(path)              # -qmp unix:PATH,server=on,wait=off
  out = qmp_call(path, 'query-rx-filter', {'name': 'nic0'})

Each call opens the socket, reads the greeting, negotiates capabilities,
runs one command and returns its 'return' value (events are skipped);
an 'error' reply or a closed socket raises VMError.
"""
import json
import socket
import time

from vmlib import VMError


def qmp_argv(path):
    return ['-qmp', 'unix:%s,server=on,wait=off' % path]


def _reply(f, what, deadline):
    while time.monotonic() < deadline:
        line = f.readline()
        if not line:
            raise VMError('QMP socket closed while waiting for %s' % what)
        msg = json.loads(line)
        if 'event' in msg:
            continue
        if 'error' in msg:
            raise VMError('QMP %s failed: %s' % (what, msg['error'].get('desc', msg['error'])))
        if 'return' in msg or 'QMP' in msg:
            return msg.get('return', msg)
    raise VMError('QMP %s: no reply in time' % what)


def qmp_call(path, command, args=None, timeout=20):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    deadline = time.monotonic() + timeout
    try:
        s.connect(path)
        f = s.makefile('rw')
        _reply(f, 'greeting', deadline)
        f.write(json.dumps({'execute': 'qmp_capabilities'}) + '\n')
        f.flush()
        _reply(f, 'qmp_capabilities', deadline)
        msg = {'execute': command}
        if args:
            msg['arguments'] = args
        f.write(json.dumps(msg) + '\n')
        f.flush()
        return _reply(f, command, deadline)
    except (OSError, ValueError) as e:
        raise VMError('QMP %s on %s: %s' % (command, path, e))
    finally:
        s.close()
