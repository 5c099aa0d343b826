"""The risk register: risks, assessments, response and acceptance, contingency plans and tracked actions."""
