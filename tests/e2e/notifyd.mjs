// A desktop notification server for tests: owns org.freedesktop.Notifications on the session bus
// (the Desktop Notifications spec a desktop's own server implements), records every notification
// as one JSON line in $NOTIFYD_LOG, and on SIGUSR1 "clicks" the newest one: it emits
// ActionInvoked(id, "default") as a server does when the user clicks a notification's body.
//   NOTIFYD_LOG=/tmp/notes.jsonl node notifyd.mjs      (prints "notifyd ready" once it owns the name)
import { appendFileSync } from "node:fs";
import dbus from "dbus-next";

const { Interface } = dbus.interface;
const log = process.env.NOTIFYD_LOG;
if (!log) {
  console.error("notifyd: set NOTIFYD_LOG");
  process.exit(2);
}

class Notifications extends Interface {
  constructor() {
    super("org.freedesktop.Notifications");
    this.next = 1;
    this.shown = [];
  }
  GetCapabilities() {
    return ["actions", "body"];
  }
  Notify(appName, replacesId, appIcon, summary, body, actions, hints, expireTimeout) {
    const id = replacesId > 0 ? replacesId : this.next++;
    this.shown.push(id);
    const entry = { id, appName, summary, body, actions, hints: Object.keys(hints), expireTimeout };
    appendFileSync(log, `${JSON.stringify(entry)}\n`);
    return id;
  }
  CloseNotification(id) {
    this.shown = this.shown.filter((shown) => shown !== id);
    this.NotificationClosed(id, 3);
  }
  GetServerInformation() {
    return ["herald-tests-notifyd", "Herald", "1.0", "1.2"];
  }
  ActionInvoked(id, action) {
    return [id, action];
  }
  NotificationClosed(id, reason) {
    return [id, reason];
  }
}

Notifications.configureMembers({
  methods: {
    GetCapabilities: { outSignature: "as" },
    Notify: { inSignature: "susssasa{sv}i", outSignature: "u" },
    CloseNotification: { inSignature: "u" },
    GetServerInformation: { outSignature: "ssss" },
  },
  signals: {
    ActionInvoked: { signature: "us" },
    NotificationClosed: { signature: "uu" },
  },
});

const bus = dbus.sessionBus();
const server = new Notifications();
bus.export("/org/freedesktop/Notifications", server);
await bus.requestName("org.freedesktop.Notifications", dbus.NameFlag.DO_NOT_QUEUE);
process.on("SIGUSR1", () => {
  const id = server.shown.at(-1);
  if (id === undefined) {
    console.error("notifyd: nothing to click");
    return;
  }
  appendFileSync(log, `${JSON.stringify({ clicked: id })}\n`);
  server.ActionInvoked(id, "default");
});
process.on("SIGTERM", () => {
  bus.disconnect();
  process.exit(0);
});
console.log("notifyd ready");
