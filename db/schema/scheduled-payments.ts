// Tables for the scheduled-payments domain. Owned by that domain's module.
export {};
