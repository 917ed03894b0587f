// Tables for the events domain. Owned by that domain's module.
export {};
