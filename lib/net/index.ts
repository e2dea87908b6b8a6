// lib/net: UDP sockets and network interfaces over the native addon.
export * from './types';
export { interfaces, resolveInterface } from './interfaces';
export { UdpSocket } from './udp-socket';
export { UdpCapture } from './udp-capture';
export type { NativeCapture, NativeCaptureCtor, NativeCaptureHandlers, NativeHandlers, NativeSocket, NativeSocketCtor } from './native';
export { isNotifyAddress, sendNotify } from './notify';
export { dispatchService, installService, removeService, reportServiceRunning, reportServiceStopped, type ServiceEventName } from './windows-service';
