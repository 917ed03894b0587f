// Tables for the notifications domain. Owned by that domain's module.
export {};
