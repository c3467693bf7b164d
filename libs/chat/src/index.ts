export * from './chat-channel.js';
export * from './chat.module.js';
export * from './chat.repository.js';
export * from './chat.service.js';
