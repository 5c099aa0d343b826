"""The risk matrix (风险矩阵): likelihood × impact bands, one in force at a time."""
