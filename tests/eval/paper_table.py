"""Table 1 of the CodeSteer paper (arXiv 2502.04350, ICML 2025): success rates (%) of the 13
compared columns on the 28 seen and 9 unseen SymBench tasks, and the published Ave. Norm. rows.

Transcribed from the paper's text (a published fact, used to check the report's Ave. Norm.).
"""

from __future__ import annotations

COLUMNS = ["o1", "DeepSeek R1", "o1-preview", "Only Question", "Symbolic Agent", "All Text + CoT",
           "All Code + CoT", "AutoGen Conca.", "Code + Text + Sum.1", "Code + Text + Sum.2", "Code/Text Choice",
           "Code Interpreter", "GPT-4o + CodeSteer"]

SEEN = {
    "Game 24": [80, 65, 78, 17, 37, 23, 11, 88, 33, 43, 43, 18, 93],
    "Path Plan": [74, 60, 56, 65, 43, 44, 76, 71, 66, 61, 73, 54, 75],
    "BoxLift": [95, 92, 85, 69, 58, 56, 68, 20, 65, 60, 73, 49, 77],
    "BoxNet": [45, 43, 54, 37, 30, 30, 1, 12, 23, 21, 23, 37, 29],
    "Blocksworld": [100, 100, 77, 43, 60, 52, 32, 50, 50, 48, 44, 42, 52],
    "Date Understanding": [87, 88, 87, 90, 89, 88, 72, 65, 86, 84, 86, 76, 87],
    "Web of Lies": [100, 100, 98, 96, 99, 86, 91, 78, 77, 80, 98, 94, 98],
    "Logical Deduction": [100, 98, 97, 89, 93, 91, 83, 82, 94, 90, 94, 82, 92],
    "Navigation": [100, 100, 100, 98, 93, 95, 99, 91, 96, 94, 92, 98, 99],
    "GSM-Hard": [79, 77, 71, 78, 76, 80, 83, 81, 81, 78, 77, 79, 77],
    "MATH Geometry": [94, 91, 90, 76, 73, 73, 74, 73, 77, 76, 76, 73, 75],
    "MATH Count&Probab.": [96, 97, 95, 89, 88, 87, 88, 91, 86, 88, 84, 89, 93],
    "Logical Equation": [100, 100, 100, 52, 50, 52, 40, 48, 30, 33, 56, 71, 78],
    "New Operator": [44, 39, 25, 42, 39, 45, 39, 47, 56, 38, 48, 48, 40],
    "Pooling": [46, 40, 42, 54, 46, 60, 57, 55, 43, 47, 40, 49, 46],
    "Light Puzzles": [100, 100, 92, 62, 56, 56, 69, 56, 92, 78, 73, 95, 68],
    "Mahjong": [96, 98, 93, 66, 77, 73, 80, 94, 72, 74, 96, 64, 90],
    "Statistical Counting": [25, 72, 78, 34, 93, 32, 95, 93, 93, 86, 95, 89, 97],
    "Matrix Transformation": [87, 100, 98, 94, 96, 76, 97, 97, 96, 92, 97, 90, 98],
    "Logical Puzzle": [88, 80, 86, 48, 58, 51, 41, 39, 44, 50, 44, 68, 70],
    "Cons. Linear Arrange.": [74, 62, 81, 82, 71, 84, 60, 79, 72, 71, 77, 72, 86],
    "Pattern Recognition": [100, 100, 100, 70, 90, 44, 89, 100, 56, 60, 94, 100, 93],
    "String Insertion": [96, 49, 72, 6, 100, 8, 100, 100, 67, 75, 100, 89, 100],
    "Letter Logic Diagram": [50, 54, 28, 2, 30, 0, 12, 21, 8, 9, 31, 8, 45],
    "String Deletion&Modifi.": [60, 37, 34, 4, 90, 0, 64, 37, 51, 65, 85, 49, 93],
    "String Synthesis": [2, 0, 2, 0, 20, 0, 11, 0, 7, 5, 16, 12, 29],
    "Reversi": [46, 29, 28, 8, 36, 15, 49, 60, 20, 23, 45, 23, 52],
    "Standard Sudoku": [0, 0, 0, 0, 98, 0, 100, 94, 12, 14, 100, 100, 100],
}

UNSEEN = {
    "Letters": [61, 52, 49, 12, 91, 11, 100, 93, 84, 87, 89, 89, 96],
    "Eight Queen": [84, 79, 64, 8, 73, 0, 35, 51, 40, 45, 52, 44, 78],
    "Number Multiply": [43, 46, 28, 11, 87, 8, 100, 100, 68, 65, 100, 75, 95],
    "Cryptanalysis": [60, 21, 49, 20, 15, 24, 20, 13, 16, 20, 27, 0, 24],
    "String Splitting": [96, 91, 90, 28, 52, 25, 48, 47, 37, 35, 48, 43, 56],
    "Combinatorial Calcul.": [57, 98, 35, 16, 45, 60, 55, 48, 70, 67, 80, 57, 86],
    "Synthesis Decompo.": [57, 96, 53, 52, 53, 72, 71, 35, 44, 38, 69, 72, 66],
    "2048": [52, 0, 37, 44, 43, 40, 28, 37, 25, 20, 39, 49, 56],
    "Permut. and Combina.": [100, 100, 100, 66, 89, 48, 64, 60, 40, 46, 80, 75, 93],
}

#: The published rows "Ave. Norm., Seen / Unseen / Total".
AVE_NORM = {
    "seen": [83.8, 79.3, 77.9, 59.3, 77.0, 56.7, 71.6, 73.2, 66.7, 65.8, 79.7, 73.3, 88.1],
    "unseen": [79.4, 69.1, 65.1, 34.5, 67.9, 37.9, 63.2, 59.5, 51.9, 51.7, 72.1, 61.9, 81.3],
    "total": [82.7, 76.8, 74.8, 53.3, 74.8, 52.1, 69.6, 69.9, 63.1, 62.4, 77.9, 70.5, 86.4],
}
