function unavailable() {
  throw new Error('WebRTC is not available in Node here: only the tracker server is used');
}
export const RTCPeerConnection = unavailable;
export const RTCSessionDescription = unavailable;
export const RTCIceCandidate = unavailable;
const polyfill = { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate };
export default polyfill;
