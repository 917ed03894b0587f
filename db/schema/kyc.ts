// Tables for the kyc domain. Owned by that domain's module.
export {};
