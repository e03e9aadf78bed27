// The Tynys client SDK: runs in the browser and in Node (no Node-only imports here).
export { AskerClient, type AskerOptions, type ConsultationRequest, type NewQuestion, type MyQuestion, type FlagReason } from './asker.js';
export { KnowledgeClient, type SearchParams, type BrowseParams } from './knowledge.js';
export { StaffClient, type StaffClientOptions, type QueueFilter, type FollowQueueOptions } from './staff.js';
export { decodeStaffMaterial, encodeStaffMaterial, type StaffMaterial } from './staff-material.js';
export type { QueueEvent, QueueChange } from '../protocol/api/queue.js';
export type { MyThreadsEvent, MyThreadsChange } from '../protocol/api/my-threads.js';
export { ApiError } from './http.js';
export { ProtocolError, type ProtocolErrorCode, type ClientOptions, type PlainMessage, type PlainEvent } from './participant.js';
export { Directory, isDirectoryRefusal, type DirectoryRefusal, type VerifiedStaff } from './directory.js';
export { inMemoryManifestMemory, layeredManifestMemory, storageManifestMemory, type ManifestMemory, type RememberedManifest } from './manifest-memory.js';
export { formatRecoveryCode, parseRecoveryCode } from '../protocol/recovery-code.js';
export { PinVault, checkPin, type PinProblem, type UnlockResult, type VaultArea } from './pin-vault.js';
export { startIdentityProofOfWork, solveProofOfWorkYielding, type SolvedProofOfWork } from './proof-of-work.js';
