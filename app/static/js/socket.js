// The page's one Socket.IO connection, shared by the header bell and the channel
// page: with one each, the server would send every event twice to the same tab.

let socket = null;

export function pageSocket() {
  socket ??= io({ transports: ["websocket", "polling"] });
  return socket;
}

// Run `callback` at every connection, including one made before it was given.
export function onConnect(callback) {
  const shared = pageSocket();
  shared.on("connect", callback);
  if (shared.connected) callback();
}
