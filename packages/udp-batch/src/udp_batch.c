// Batched UDP for Node.js: recvmmsg into one preallocated buffer shared with JS, sendmmsg from
// another, the socket watched by a uv_poll_t on the addon's event loop. Linux only.
// N-API (node_api.h) only; no V8 or Node internals.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

/* Bytes per peer-address slot in the shared address buffers: a sockaddr_in6 (28) rounded up. */
#define ADDR_SLOT 32
/* Batches read per readable event before yielding to the loop (fairness with TCP, timers). */
#define MAX_BATCHES_PER_WAKE 8

typedef struct pending {
  struct pending *next;
  struct sockaddr_storage addr;
  socklen_t addrlen;
  size_t len;
  char data[];
} pending_t;

typedef struct {
  napi_env env;
  int fd;
  int slots;
  int slot_size;
  int started;
  int closing;
  int poll_open;
  int writable_wanted;
  uv_poll_t poll;
  napi_ref self;      /* strong while open: the JS handle object */
  napi_ref on_batch;  /* the JS callback */
  napi_async_context async;
  /* Shared with JS (backing stores of ArrayBuffers the handle object keeps). */
  char *in_buf;
  int32_t *in_len;
  char *in_addr;
  char *out_buf;
  int32_t *out_len;
  char *out_addr;
  struct mmsghdr *rmsg;
  struct iovec *riov;
  struct mmsghdr *smsg;
  struct iovec *siov;
  pending_t *queue_head;
  pending_t *queue_tail;
} sock_t;

#define CHECK(call)                                                  \
  do {                                                               \
    if ((call) != napi_ok) {                                         \
      napi_throw_error(env, NULL, "udp-batch: N-API call failed: " #call); \
      return NULL;                                                   \
    }                                                                \
  } while (0)

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_value m, e, code;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
  napi_create_error(env, NULL, m, &e);
  const char *name = err == EADDRINUSE ? "EADDRINUSE" : err == EACCES ? "EACCES" : err == EADDRNOTAVAIL ? "EADDRNOTAVAIL" : "EIO";
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code);
  napi_set_named_property(env, e, "code", code);
  napi_value no;
  napi_create_int32(env, err, &no);
  napi_set_named_property(env, e, "errno", no);
  napi_throw(env, e);
  return NULL;
}

static socklen_t addr_len(const struct sockaddr_storage *a) {
  return a->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

static void update_poll(sock_t *s);

/* Queues a datagram the kernel would not take now (EAGAIN); sent when the socket is writable. */
static void enqueue(sock_t *s, const char *data, size_t len, const struct sockaddr_storage *addr) {
  pending_t *p = malloc(sizeof(pending_t) + len);
  if (p == NULL) return; /* dropped, as the kernel would have */
  p->next = NULL;
  memcpy(&p->addr, addr, sizeof p->addr);
  p->addrlen = addr_len(addr);
  p->len = len;
  memcpy(p->data, data, len);
  if (s->queue_tail) s->queue_tail->next = p;
  else s->queue_head = p;
  s->queue_tail = p;
  if (!s->writable_wanted) {
    s->writable_wanted = 1;
    update_poll(s);
  }
}

static void flush_queue(sock_t *s) {
  while (s->queue_head) {
    pending_t *p = s->queue_head;
    ssize_t r;
    do r = sendto(s->fd, p->data, p->len, MSG_DONTWAIT, (struct sockaddr *)&p->addr, p->addrlen);
    while (r < 0 && errno == EINTR);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) return;
    s->queue_head = p->next;
    if (!s->queue_head) s->queue_tail = NULL;
    free(p);
  }
  if (s->writable_wanted) {
    s->writable_wanted = 0;
    update_poll(s);
  }
}

static void free_queue(sock_t *s) {
  while (s->queue_head) {
    pending_t *p = s->queue_head;
    s->queue_head = p->next;
    free(p);
  }
  s->queue_tail = NULL;
}

static void call_js(sock_t *s, int count) {
  napi_env env = s->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value cb, recv, arg, result;
  if (napi_get_reference_value(env, s->on_batch, &cb) == napi_ok && cb != NULL &&
      napi_get_reference_value(env, s->self, &recv) == napi_ok && recv != NULL) {
    napi_create_int32(env, count, &arg);
    napi_status st = napi_make_callback(env, s->async, recv, cb, 1, &arg, &result);
    if (st == napi_pending_exception) {
      napi_value exc;
      napi_get_and_clear_last_exception(env, &exc);
      napi_fatal_exception(env, exc);
    }
  }
  napi_close_handle_scope(env, scope);
}

static void on_poll(uv_poll_t *h, int status, int events) {
  sock_t *s = h->data;
  if (s->closing) return;
  if (status < 0) return;
  if (events & UV_WRITABLE) flush_queue(s);
  if (!(events & UV_READABLE) || !s->started) return;
  for (int round = 0; round < MAX_BATCHES_PER_WAKE && s->started && !s->closing; round++) {
    for (int i = 0; i < s->slots; i++) {
      s->rmsg[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_storage) < ADDR_SLOT ? sizeof(struct sockaddr_storage) : ADDR_SLOT;
      s->rmsg[i].msg_hdr.msg_flags = 0;
    }
    int n;
    do n = recvmmsg(s->fd, s->rmsg, (unsigned)s->slots, MSG_DONTWAIT | MSG_TRUNC, NULL);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return; /* EAGAIN (drained) or a transient error (ICMP, …): wait for the next event */
    for (int i = 0; i < n; i++) {
      /* With MSG_TRUNC the length is the datagram's own, possibly more than a slot holds. */
      s->in_len[i] = (int32_t)s->rmsg[i].msg_len;
      socklen_t nl = s->rmsg[i].msg_hdr.msg_namelen;
      if (nl < ADDR_SLOT) memset(s->in_addr + (size_t)i * ADDR_SLOT + nl, 0, ADDR_SLOT - nl);
    }
    call_js(s, n);
    if (n < s->slots) return;
  }
}

static void update_poll(sock_t *s) {
  if (!s->poll_open || s->closing) return;
  int ev = (s->started ? UV_READABLE : 0) | (s->writable_wanted ? UV_WRITABLE : 0);
  if (ev) uv_poll_start(&s->poll, ev, on_poll);
  else uv_poll_stop(&s->poll);
}

static void on_closed(uv_handle_t *h) {
  sock_t *s = h->data;
  close(s->fd);
  s->fd = -1;
  free_queue(s);
  free(s->rmsg);
  free(s->riov);
  free(s->smsg);
  free(s->siov);
  s->rmsg = NULL;
  s->smsg = NULL;
  free(s);
}

static void do_close(sock_t *s) {
  if (s->closing) return;
  s->closing = 1;
  s->started = 0;
  napi_env env = s->env;
  if (s->on_batch) napi_delete_reference(env, s->on_batch);
  s->on_batch = NULL;
  if (s->self) napi_delete_reference(env, s->self);
  s->self = NULL;
  if (s->async) napi_async_destroy(env, s->async);
  s->async = NULL;
  uv_poll_stop(&s->poll);
  uv_close((uv_handle_t *)&s->poll, on_closed);
}

static void cleanup_hook(void *arg) {
  sock_t *s = arg;
  do_close(s);
}

static sock_t *unwrap_this(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  napi_value self;
  void *data;
  if (napi_get_cb_info(env, info, argc, argv, &self, &data) != napi_ok) return NULL;
  sock_t **slot = NULL;
  if (napi_unwrap(env, self, (void **)&slot) != napi_ok || slot == NULL || *slot == NULL) {
    napi_throw_error(env, "ERR_SOCKET_CLOSED", "udp-batch: socket is closed");
    return NULL;
  }
  return *slot;
}

/* start(onBatch): begins reading; onBatch(count) is called with in-slots 0..count-1 filled. */
static napi_value js_start(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  sock_t *s = unwrap_this(env, info, &argc, argv);
  if (s == NULL) return NULL;
  napi_valuetype t;
  CHECK(napi_typeof(env, argv[0], &t));
  if (argc < 1 || t != napi_function) {
    napi_throw_type_error(env, NULL, "udp-batch: start needs a function");
    return NULL;
  }
  if (s->on_batch) napi_delete_reference(env, s->on_batch);
  CHECK(napi_create_reference(env, argv[0], 1, &s->on_batch));
  s->started = 1;
  update_poll(s);
  return NULL;
}

/* The length of out-slot i, clamped to [0, slot_size]. */
static size_t out_len_at(const sock_t *s, int i) {
  int32_t len = s->out_len[i];
  if (len < 0) len = 0;
  if (len > s->slot_size) len = s->slot_size;
  return (size_t)len;
}

/* send(count): sends out-slots 0..count-1 (outLen, outAddr) with sendmmsg; returns how many the
 * kernel took at once (the rest, if any, is queued and sent when the socket is writable). */
static napi_value js_send(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  sock_t *s = unwrap_this(env, info, &argc, argv);
  if (s == NULL) return NULL;
  int32_t count = 0;
  CHECK(napi_get_value_int32(env, argv[0], &count));
  if (count < 0 || count > s->slots) {
    napi_throw_range_error(env, NULL, "udp-batch: count out of range");
    return NULL;
  }
  int sent = 0;
  if (s->queue_head == NULL) {
    for (int i = 0; i < count; i++) {
      s->siov[i].iov_len = out_len_at(s, i);
      struct sockaddr_storage *a = (struct sockaddr_storage *)(s->out_addr + (size_t)i * ADDR_SLOT);
      s->smsg[i].msg_hdr.msg_namelen = addr_len(a);
    }
    while (sent < count) {
      int r = sendmmsg(s->fd, s->smsg + sent, (unsigned)(count - sent), MSG_DONTWAIT);
      if (r < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) break;
        sent++; /* this datagram failed (e.g. unreachable): drop it as dgram would, go on */
        continue;
      }
      sent += r;
    }
  }
  int took = sent;
  for (int i = sent; i < count; i++) {
    enqueue(s, s->out_buf + (size_t)i * s->slot_size, out_len_at(s, i),
            (struct sockaddr_storage *)(s->out_addr + (size_t)i * ADDR_SLOT));
  }
  napi_value ret;
  CHECK(napi_create_int32(env, took, &ret));
  return ret;
}

/* sendTo(buf, len, addr): one datagram of buf[0, len) to the sockaddr bytes in addr[0, 32). */
static napi_value js_send_to(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  sock_t *s = unwrap_this(env, info, &argc, argv);
  if (s == NULL) return NULL;
  void *data, *addr;
  size_t blen, alen;
  int32_t len;
  CHECK(napi_get_buffer_info(env, argv[0], &data, &blen));
  CHECK(napi_get_value_int32(env, argv[1], &len));
  CHECK(napi_get_buffer_info(env, argv[2], &addr, &alen));
  if (len < 0 || (size_t)len > blen || alen < ADDR_SLOT) {
    napi_throw_range_error(env, NULL, "udp-batch: bad length or address");
    return NULL;
  }
  struct sockaddr_storage a;
  memset(&a, 0, sizeof a);
  memcpy(&a, addr, ADDR_SLOT);
  int ok = 0;
  if (s->queue_head == NULL) {
    ssize_t r;
    do r = sendto(s->fd, data, (size_t)len, MSG_DONTWAIT, (struct sockaddr *)&a, addr_len(&a));
    while (r < 0 && errno == EINTR);
    if (r >= 0) ok = 1;
    else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS) ok = 1; /* dropped */
  }
  if (!ok) enqueue(s, data, (size_t)len, &a);
  return NULL;
}

/* close(): stops reading, drops queued datagrams, closes the fd once libuv has let go of it. */
static napi_value js_close(napi_env env, napi_callback_info info) {
  napi_value self;
  CHECK(napi_get_cb_info(env, info, NULL, NULL, &self, NULL));
  sock_t **slot = NULL;
  if (napi_unwrap(env, self, (void **)&slot) != napi_ok || slot == NULL || *slot == NULL) return NULL;
  sock_t *s = *slot;
  *slot = NULL;
  napi_remove_env_cleanup_hook(env, cleanup_hook, s);
  do_close(s);
  return NULL;
}

/* formatAddress(buf, offset): "1.2.3.4" / "::1" for the sockaddr bytes at buf[offset]; "" if neither. */
static napi_value js_format_address(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  void *data;
  size_t blen;
  int32_t off;
  CHECK(napi_get_buffer_info(env, argv[0], &data, &blen));
  CHECK(napi_get_value_int32(env, argv[1], &off));
  char str[INET6_ADDRSTRLEN] = "";
  if (off >= 0 && (size_t)off + ADDR_SLOT <= blen) {
    struct sockaddr_storage a;
    memcpy(&a, (char *)data + off, ADDR_SLOT);
    if (a.ss_family == AF_INET)
      inet_ntop(AF_INET, &((struct sockaddr_in *)&a)->sin_addr, str, sizeof str);
    else if (a.ss_family == AF_INET6)
      inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&a)->sin6_addr, str, sizeof str);
  }
  napi_value ret;
  CHECK(napi_create_string_utf8(env, str, NAPI_AUTO_LENGTH, &ret));
  return ret;
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data); /* the sock_t ** slot; the socket itself is freed after close */
}

/* A zeroed Buffer of `size` bytes set as obj[name]; returns its memory (NULL on failure). */
static void *expose_buffer(napi_env env, napi_value obj, const char *name, size_t size) {
  void *data = NULL;
  napi_value buf;
  if (napi_create_buffer(env, size, &data, &buf) != napi_ok) return NULL;
  memset(data, 0, size);
  napi_set_named_property(env, obj, name, buf);
  return data;
}

/* open(host, port, reusePort, slots, slotSize) → handle object with fd, port, family, the shared
 * buffers (inBuf, inLen, inAddr, outBuf, outLen, outAddr) and start/send/sendTo/close methods. */
static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5) {
    napi_throw_type_error(env, NULL, "udp-batch: open(host, port, reusePort, slots, slotSize)");
    return NULL;
  }
  char host[INET6_ADDRSTRLEN + 1];
  size_t hl;
  int32_t port, slots, slot_size;
  bool reuse;
  CHECK(napi_get_value_string_utf8(env, argv[0], host, sizeof host, &hl));
  CHECK(napi_get_value_int32(env, argv[1], &port));
  CHECK(napi_get_value_bool(env, argv[2], &reuse));
  CHECK(napi_get_value_int32(env, argv[3], &slots));
  CHECK(napi_get_value_int32(env, argv[4], &slot_size));
  if (slots < 1 || slots > 1024 || slot_size < 12 || slot_size > 65536 || port < 0 || port > 65535) {
    napi_throw_range_error(env, NULL, "udp-batch: bad port, slots or slotSize");
    return NULL;
  }
  struct sockaddr_storage sa;
  memset(&sa, 0, sizeof sa);
  int family;
  if (inet_pton(AF_INET, host, &((struct sockaddr_in *)&sa)->sin_addr) == 1) {
    family = AF_INET;
    ((struct sockaddr_in *)&sa)->sin_family = AF_INET;
    ((struct sockaddr_in *)&sa)->sin_port = htons((uint16_t)port);
  } else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)&sa)->sin6_addr) == 1) {
    family = AF_INET6;
    ((struct sockaddr_in6 *)&sa)->sin6_family = AF_INET6;
    ((struct sockaddr_in6 *)&sa)->sin6_port = htons((uint16_t)port);
  } else {
    napi_throw_type_error(env, "ERR_INVALID_IP_ADDRESS", "udp-batch: host must be an IP literal");
    return NULL;
  }
  int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  int one = 1;
  /* As dgram does by default: no SO_REUSEADDR, and a udp6 socket is dual-stack (no IPV6_V6ONLY). */
  if (reuse && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "setsockopt(SO_REUSEPORT)", e);
  }
  if (bind(fd, (struct sockaddr *)&sa, addr_len(&sa)) < 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "bind", e);
  }
  struct sockaddr_storage bound;
  socklen_t bl = sizeof bound;
  getsockname(fd, (struct sockaddr *)&bound, &bl);
  int bound_port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&bound)->sin_port
                                           : ((struct sockaddr_in6 *)&bound)->sin6_port);

  sock_t *s = calloc(1, sizeof *s);
  s->env = env;
  s->fd = fd;
  s->slots = slots;
  s->slot_size = slot_size;
  s->rmsg = calloc((size_t)slots, sizeof *s->rmsg);
  s->riov = calloc((size_t)slots, sizeof *s->riov);
  s->smsg = calloc((size_t)slots, sizeof *s->smsg);
  s->siov = calloc((size_t)slots, sizeof *s->siov);

  napi_value obj, v;
  CHECK(napi_create_object(env, &obj));
  void *p;
  s->in_buf = expose_buffer(env, obj, "inBuf", (size_t)slots * slot_size);
  s->in_addr = expose_buffer(env, obj, "inAddr", (size_t)slots * ADDR_SLOT);
  s->out_buf = expose_buffer(env, obj, "outBuf", (size_t)slots * slot_size);
  s->out_addr = expose_buffer(env, obj, "outAddr", (size_t)slots * ADDR_SLOT);
  napi_value ab;
  CHECK(napi_create_arraybuffer(env, (size_t)slots * 4, &p, &ab));
  memset(p, 0, (size_t)slots * 4);
  s->in_len = p;
  CHECK(napi_create_typedarray(env, napi_int32_array, (size_t)slots, ab, 0, &v));
  napi_set_named_property(env, obj, "inLen", v);
  CHECK(napi_create_arraybuffer(env, (size_t)slots * 4, &p, &ab));
  memset(p, 0, (size_t)slots * 4);
  s->out_len = p;
  CHECK(napi_create_typedarray(env, napi_int32_array, (size_t)slots, ab, 0, &v));
  napi_set_named_property(env, obj, "outLen", v);
  /* NOTE: the handle object holds these buffers and `self` holds the object while open, so the
   * backing stores the iovecs point into outlive every recvmmsg/sendmmsg. */
  for (int i = 0; i < slots; i++) {
    s->riov[i].iov_base = s->in_buf + (size_t)i * slot_size;
    s->riov[i].iov_len = (size_t)slot_size;
    s->rmsg[i].msg_hdr.msg_iov = &s->riov[i];
    s->rmsg[i].msg_hdr.msg_iovlen = 1;
    s->rmsg[i].msg_hdr.msg_name = s->in_addr + (size_t)i * ADDR_SLOT;
    s->siov[i].iov_base = s->out_buf + (size_t)i * slot_size;
    s->smsg[i].msg_hdr.msg_iov = &s->siov[i];
    s->smsg[i].msg_hdr.msg_iovlen = 1;
    s->smsg[i].msg_hdr.msg_name = s->out_addr + (size_t)i * ADDR_SLOT;
  }
  CHECK(napi_create_int32(env, fd, &v));
  napi_set_named_property(env, obj, "fd", v);
  CHECK(napi_create_int32(env, bound_port, &v));
  napi_set_named_property(env, obj, "port", v);
  CHECK(napi_create_int32(env, family == AF_INET6 ? 6 : 4, &v));
  napi_set_named_property(env, obj, "family", v);
  napi_property_descriptor methods[] = {
      {"start", NULL, js_start, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, js_send, NULL, NULL, NULL, napi_default, NULL},
      {"sendTo", NULL, js_send_to, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_properties(env, obj, sizeof methods / sizeof methods[0], methods));
  sock_t **slot = malloc(sizeof *slot);
  *slot = s;
  CHECK(napi_wrap(env, obj, slot, finalize_handle, NULL, NULL));
  CHECK(napi_create_reference(env, obj, 1, &s->self));
  napi_value name;
  CHECK(napi_create_string_utf8(env, "UDPBATCH", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_async_init(env, obj, name, &s->async));
  struct uv_loop_s *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  uv_poll_init(loop, &s->poll, fd);
  s->poll.data = s;
  s->poll_open = 1;
  napi_add_env_cleanup_hook(env, cleanup_hook, s);
  return obj;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"open", NULL, js_open, NULL, NULL, NULL, napi_default, NULL},
      {"formatAddress", NULL, js_format_address, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
