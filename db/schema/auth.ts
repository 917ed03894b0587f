// Tables for the auth domain. Owned by that domain's module.
export {};
