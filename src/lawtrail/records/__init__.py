"""Documents (文书): the catalogue of kinds, drafts, finalised versions, signatures and refusals,
service, document numbers (文号)."""
