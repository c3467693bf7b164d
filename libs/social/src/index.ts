export * from './friend-rules.js';
export * from './friends.repository.js';
export * from './friends.service.js';
export * from './notifications.repository.js';
export * from './notifications.service.js';
export * from './social.module.js';
