// Tables for the fraud domain. Owned by that domain's module.
export {};
