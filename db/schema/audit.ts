// Tables for the audit domain. Owned by that domain's module.
export {};
