// Tables for the customers domain. Owned by that domain's module.
export {};
