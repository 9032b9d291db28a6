# fails: 3 | not processed twice
# An echo server that hands each datagram to a thread of its own, since the work takes a while (50 ms
# here). A thread checks whether the id is known, does the work, and only then stores the answer:
# a copy of the request that arrives during the work finds nothing stored, is processed a second
# time, and its answer differs from the first. Nothing marks the id as taken when the work starts.
import re, socket, threading, time
from collections import OrderedDict

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
seen = OrderedDict()
lock = threading.Lock()

def process(data):
    time.sleep(0.05)  # the work
    return data

def handle(data, sender, key):
    with lock:
        known = seen.get(key)
    if known is None:  # the mistake: check, then act later; nothing marks the request "in progress"
        answer = process(data)
        with lock:
            seen[key] = answer
            if len(seen) > 4096:
                seen.popitem(last=False)
        known = answer
    s.sendto(known, sender)

while True:
    data, sender = s.recvfrom(8193)
    if len(data) > 8192:
        continue
    m = re.match(rb"#(\d+) ", data)
    if not m:
        threading.Thread(target=lambda d=data, a=sender: s.sendto(process(d), a), daemon=True).start()
        continue
    threading.Thread(target=handle, args=(data, sender, (sender, m.group(1))), daemon=True).start()
