// The page's one Socket.IO connection, shared by the header bell and the channel
// page: with one each, the server would send every event twice to the same tab.
// A page without the chat only watches notifications: the server then does not
// send it every message of the member's channels.

let socket = null;

export function pageSocket() {
  const watch = document.getElementById("chat") ? "channels" : "notifications";
  socket ??= io({ transports: ["websocket", "polling"], auth: { watch } });
  return socket;
}

// Run `callback` at every connection, including one made before it was given.
export function onConnect(callback) {
  const shared = pageSocket();
  shared.on("connect", callback);
  if (shared.connected) callback();
}
