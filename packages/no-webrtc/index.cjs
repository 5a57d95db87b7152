// bittorrent-tracker's client side needs WebRTC in Node; Swarmdeck only runs its server (a WebSocket
// tracker). Anything that tries to open a peer connection through this gets a clear error.
function unavailable() {
  throw new Error('WebRTC is not available in Node here: only the tracker server is used');
}
module.exports = {
  RTCPeerConnection: unavailable,
  RTCSessionDescription: unavailable,
  RTCIceCandidate: unavailable,
  default: {},
};
