// The Tynys client SDK: runs in the browser and in Node (no Node-only imports here).
export { AskerClient, type ConsultationRequest } from './asker.js';
export { StaffClient, type StaffClientOptions, type QueueFilter } from './staff.js';
export { ApiError } from './http.js';
export { ProtocolError, type ClientOptions, type PlainMessage } from './participant.js';
export { Directory, type VerifiedStaff } from './directory.js';
export { formatRecoveryCode, parseRecoveryCode } from '../protocol/recovery-code.js';
